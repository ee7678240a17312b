"""numpy DSP building blocks shared by the numpy synthesizer and the sound effects.

No scipy here: filters are zero-phase masks applied in the frequency domain
(Butterworth-shaped magnitudes), which suits noise shaping and one-shot renders,
and convolution is FFT overlap-add in blocks so long signals stay cheap. The
long loops check for cancellation of the render running in their thread.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from creative_hub.providers.local.music.blocking import check_cancelled

Array = npt.NDArray[np.float64]


def times(n: int, sample_rate: int) -> Array:
    return np.arange(n, dtype=np.float64) / sample_rate


def _next_pow2(n: int) -> int:
    return 1 << max(0, (n - 1).bit_length())


def _fast_size(n: int) -> int:
    """The smallest 2^a 3^b 5^c >= n: FFTs of these sizes are fast, and closer to n
    than the next power of two."""
    best = _next_pow2(n)
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            size = p35 << max(0, (-(-n // p35) - 1).bit_length())
            best = min(best, size)
            p35 *= 3
        p5 *= 5
    return best


def fft_convolve(x: Array, h: Array, block: int = 0) -> Array:
    """Full linear convolution of 1-D x with a kernel h (L,) or several kernels (L, k).

    Overlap-add in blocks a few times the kernel's length: memory stays bounded for
    long inputs, and each input block is transformed once for all kernels.
    """
    kernels = h[:, None] if h.ndim == 1 else h
    length = len(x) + len(kernels) - 1
    out = np.zeros((max(0, length), kernels.shape[1]))
    if len(x) and len(kernels):
        block = min(len(x), block or max(1 << 16, 4 * _next_pow2(len(kernels))))
        size = _next_pow2(block + len(kernels) - 1)
        spectra = np.fft.rfft(kernels, size, axis=0)
        for start in range(0, len(x), block):
            check_cancelled()
            chunk = x[start : start + block]
            piece = np.fft.irfft(np.fft.rfft(chunk, size)[:, None] * spectra, size, axis=0)
            end = min(length, start + size)
            out[start:end] += piece[: end - start]
    return out[:, 0] if h.ndim == 1 else out


def spectral_filter(x: Array, sample_rate: int, gain: Callable[[Array], Array]) -> Array:
    """Zero-phase filter: multiply x's spectrum by gain(frequencies in Hz)."""
    if len(x) == 0:
        return x.copy()
    check_cancelled()
    size = _fast_size(len(x))
    spectrum = np.fft.rfft(x, size)
    freqs: Array = np.fft.rfftfreq(size, 1.0 / sample_rate).astype(np.float64)
    return np.fft.irfft(spectrum * gain(freqs), size)[: len(x)]


def lowpass_gain(cutoff: float, order: int = 2) -> Callable[[Array], Array]:
    return lambda f: 1.0 / np.sqrt(1.0 + (f / cutoff) ** (2 * order))


def highpass_gain(cutoff: float, order: int = 2) -> Callable[[Array], Array]:
    return lambda f: 1.0 / np.sqrt(1.0 + (cutoff / np.maximum(f, 1e-6)) ** (2 * order))


def bandpass_gain(low: float, high: float, order: int = 2) -> Callable[[Array], Array]:
    lp, hp = lowpass_gain(high, order), highpass_gain(low, order)
    return lambda f: lp(f) * hp(f)


def lowpass(x: Array, sample_rate: int, cutoff: float, order: int = 2) -> Array:
    return spectral_filter(x, sample_rate, lowpass_gain(cutoff, order))


def highpass(x: Array, sample_rate: int, cutoff: float, order: int = 2) -> Array:
    return spectral_filter(x, sample_rate, highpass_gain(cutoff, order))


def bandpass(x: Array, sample_rate: int, low: float, high: float, order: int = 2) -> Array:
    return spectral_filter(x, sample_rate, bandpass_gain(low, high, order))


def colored_noise(rng: np.random.Generator, n: int, sample_rate: int, slope: float) -> Array:
    """Noise whose power falls as f**slope: 0 white, -1 pink, -2 brown. Unit RMS."""
    white = rng.standard_normal(n)
    if slope == 0:
        return white
    noise = spectral_filter(white, sample_rate, lambda f: np.maximum(f, 20.0) ** (slope / 2.0))
    rms = float(np.sqrt(np.mean(noise**2))) or 1.0
    return noise / rms


def decay(n: int, sample_rate: int, tau: float) -> Array:
    """exp(-t / tau): tau seconds to fall to 37 %."""
    return np.exp(-times(n, sample_rate) / tau)


def smooth_random(rng: np.random.Generator, n: int, sample_rate: int, rate: float) -> Array:
    """A random control curve in [0, 1] that changes about `rate` times a second."""
    points = max(2, int(np.ceil(n / sample_rate * rate)) + 2)
    knots = rng.random(points)
    positions = np.linspace(0, points - 1, n)
    # cosine interpolation between knots: smooth without overshoot
    index = np.minimum(positions.astype(int), points - 2)
    frac = positions - index
    w = (1 - np.cos(np.pi * frac)) / 2
    curve: Array = knots[index] * (1 - w) + knots[index + 1] * w
    return curve


def pan_stereo(mono: Array, pan: float) -> Array:
    """Constant-power pan; pan -1 (left) .. 0 (centre) .. 1 (right). Returns (n, 2)."""
    angle = (pan + 1) * np.pi / 4
    out = np.empty((len(mono), 2))
    out[:, 0] = mono * np.cos(angle)
    out[:, 1] = mono * np.sin(angle)
    return out
