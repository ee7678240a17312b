"""Sound-effect building blocks on top of music.dsp: moving filters, scattered events, rooms."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from creative_hub.providers.local.music.blocking import check_cancelled
from creative_hub.providers.local.music.dsp import Array, decay, fft_convolve, lowpass

FRAME = 2048
HOP = FRAME // 4
CHUNK_FRAMES = 256  # frames shaped at once: bounds memory for long effects

# mask(frame times in s (k,), frequencies in Hz (b,)) -> gains (k, b)
Mask = Callable[[Array, Array], Array]


def shaped_noise(rng: np.random.Generator, n: int, sr: int, mask: Mask) -> Array:
    """Noise whose spectrum follows a mask that changes over time (short-time overlap-add).

    Each frame is random noise drawn directly in the frequency domain, multiplied by the
    mask at that frame's time, windowed, and overlap-added: a filter that can sweep.
    """
    count = n // HOP + 4
    freqs: Array = np.fft.rfftfreq(FRAME, 1.0 / sr).astype(np.float64)
    window = np.hanning(FRAME)
    out = np.zeros(count * HOP + FRAME)
    for first in range(0, count, CHUNK_FRAMES):
        check_cancelled()
        k = min(CHUNK_FRAMES, count - first)
        at = (np.arange(first, first + k) * HOP + FRAME / 2 - 2 * HOP) / sr
        gains = mask(np.maximum(at, 0.0), freqs)
        spectrum = rng.standard_normal((k, len(freqs))) + 1j * rng.standard_normal((k, len(freqs)))
        blocks = np.fft.irfft(spectrum * gains, FRAME, axis=1) * window
        for i in range(k):
            start = (first + i) * HOP
            out[start : start + FRAME] += blocks[i]
    shaped = out[2 * HOP : 2 * HOP + n]
    rms = float(np.sqrt(np.mean(shaped**2))) or 1.0
    return shaped / rms


def band_mask(centre: Callable[[Array], Array], octaves: float) -> Mask:
    """A bell-shaped band (width in octaves) around centre(t) Hz."""

    def mask(at: Array, freqs: Array) -> Array:
        distance = np.log2(np.maximum(freqs, 10.0))[None, :] - np.log2(centre(at))[:, None]
        gains: Array = np.exp(-0.5 * (distance / (octaves / 2)) ** 2)
        return gains

    return mask


def lowpass_mask(cutoff: Callable[[Array], Array], order: int = 2) -> Mask:
    def mask(at: Array, freqs: Array) -> Array:
        ratio = freqs[None, :] / cutoff(at)[:, None]
        gains: Array = 1.0 / np.sqrt(1.0 + ratio ** (2 * order))
        return gains

    return mask


def scatter(n: int, sr: int, at: Array, kernel: Array, amplitudes: Array | None = None) -> Array:
    """Copies of `kernel` starting at times `at` (s), scaled by `amplitudes`; n samples."""
    impulses = np.zeros(n)
    index = np.round(np.asarray(at) * sr).astype(np.int64)
    keep = (index >= 0) & (index < n)
    amps = np.ones(len(index)) if amplitudes is None else np.asarray(amplitudes, dtype=np.float64)
    np.add.at(impulses, index[keep], amps[keep])
    return fft_convolve(impulses, kernel)[:n]


def poisson_times(rng: np.random.Generator, seconds: float, rate: float) -> Array:
    """Event times of a Poisson process with `rate` events a second."""
    count = int(rng.poisson(rate * seconds))
    return np.sort(rng.random(count) * seconds)


def burst(rng: np.random.Generator, sr: int, seconds: float, tau: float) -> Array:
    """A short decaying white-noise burst."""
    n = max(1, int(seconds * sr))
    return rng.standard_normal(n) * decay(n, sr, tau)


def room(x: Array, sr: int, rng: np.random.Generator, tau: float, mix: float) -> Array:
    """A little diffuse reverb: x plus x convolved with decaying dark noise."""
    n = int(tau * 7 * sr)
    ir = lowpass(rng.standard_normal(n), sr, 4000.0) * decay(n, sr, tau)
    ir /= np.sqrt(np.sum(ir**2))
    return x + mix * fft_convolve(x, ir)[: len(x)]


def smoothstep(x: Array) -> Array:
    c = np.clip(x, 0.0, 1.0)
    result: Array = c * c * (3 - 2 * c)
    return result


def unit(x: Array) -> Array:
    """Scale to unit RMS (so layers mix by explicit weights)."""
    rms = float(np.sqrt(np.mean(x**2))) if len(x) else 0.0
    return x / rms if rms > 0 else x
