"""Interface and signal sounds: click, beep, chime, siren.

Every effect is `render(n, sr, rng) -> mono samples`, filling exactly n samples.
"""

from __future__ import annotations

import numpy as np

from creative_hub.providers.local.music.dsp import Array, bandpass, times
from creative_hub.providers.local.sfx.shaping import burst, scatter, unit

BEEP_HZ = 1000.0
SIREN_LOW, SIREN_HIGH = 650.0, 1300.0


def _click(sr: int, rng: np.random.Generator) -> Array:
    m = int(0.03 * sr)
    t = times(m, sr)
    tick = bandpass(burst(rng, sr, 0.03, 0.0008), sr, 1500.0, 9000.0)
    ring = np.sin(2 * np.pi * 3200.0 * t) * np.exp(-t / 0.0015)
    return unit(tick) * np.exp(-t / 0.0008) + 0.6 * ring


def click(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Mouse clicks: press and release 70 ms apart, repeated every 0.45 to 0.8 s."""
    seconds = n / sr
    at: list[float] = []
    start = 0.02
    while start < seconds:
        at += [start, start + 0.07]
        start += float(rng.uniform(0.45, 0.8))
    press, release = _click(sr, rng), _click(sr, rng) * 0.6
    return scatter(n, sr, np.array(at[0::2]), press) + scatter(n, sr, np.array(at[1::2]), release)


def beep(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A 1 kHz sine beep: 0.18 s on, 0.32 s off; a request under 0.5 s is a single beep."""
    t = times(n, sr)
    seconds = n / sr
    on, period = (0.18, 0.5) if seconds >= 0.5 else (0.8 * seconds, seconds)
    phase = t % period
    ramp = 0.005
    gate = np.clip(np.minimum(phase / ramp, (on - phase) / ramp), 0.0, 1.0)
    tone: Array = np.sin(2 * np.pi * BEEP_HZ * t) * gate
    return tone


def chime(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A two-note bell 'ding-dong' (E6 then C6) ringing out over the duration."""
    seconds = n / sr
    tau = min(2.0, max(0.25, seconds / 4))
    out = np.zeros(n)
    notes = ((0.0, 1318.5, 1.0), (0.22, 1046.5, 0.8)) if seconds >= 0.6 else ((0.0, 1318.5, 1.0),)
    partials = ((1.0, 1.0, 1.0), (2.0, 0.4, 0.6), (3.0, 0.15, 0.4), (4.2, 0.12, 0.25))
    for start, freq, level in notes:
        s = int(start * sr)
        t = times(n - s, sr)
        strike = np.minimum(1.0, t / 0.002)
        tone = sum(
            a * np.sin(2 * np.pi * freq * r * t) * np.exp(-t / (tau * d))
            for r, a, d in partials
            if freq * r < sr / 2
        )
        out[s:] += level * strike * np.asarray(tone)
    return out


def siren(n: int, sr: int, rng: np.random.Generator) -> Array:
    """An emergency wail: a buzzy tone gliding between 650 and 1300 Hz every 3 s."""
    t = times(n, sr)
    sweep = (1 - np.cos(2 * np.pi * t / 3.0)) / 2
    freq = SIREN_LOW + (SIREN_HIGH - SIREN_LOW) * sweep
    phase = 2 * np.pi * np.cumsum(freq) / sr
    return np.sin(phase) + 0.3 * np.sin(3 * phase) + 0.12 * np.sin(5 * phase)
