"""General MIDI percussion keys synthesized from sines and shaped noise (numpy renderer)."""

from __future__ import annotations

import numpy as np

from creative_hub.providers.local.music.dsp import Array, bandpass, decay, highpass, times

TOM_PITCH = {41: 82.0, 43: 98.0, 45: 110.0, 47: 131.0, 48: 147.0, 50: 175.0}


def _sweep(n: int, sr: int, start: float, end: float, tau: float) -> Array:
    """A sine gliding exponentially from `start` Hz to `end` Hz (kicks, toms)."""
    t = times(n, sr)
    freq = end + (start - end) * np.exp(-t / tau)
    return np.sin(2 * np.pi * np.cumsum(freq) / sr)


def drum_hit(key: int, sr: int, rng: np.random.Generator) -> Array:
    """One hit of a GM percussion key, peak about 1."""

    def noise(seconds: float) -> tuple[Array, int]:
        n = int(seconds * sr)
        return rng.standard_normal(n), n

    if key in (35, 36):  # kick: pitch-dropping sine and a click
        n = int(0.45 * sr)
        body = _sweep(n, sr, 150.0, 48.0, 0.035) * decay(n, sr, 0.16)
        click, m = noise(0.004)
        body[:m] += 0.3 * click * np.linspace(1, 0, m)
        return body
    if key in (38, 40):  # snare: tone plus bright rattle
        wires, n = noise(0.3)
        tone = np.sin(2 * np.pi * 185.0 * times(n, sr)) * decay(n, sr, 0.04)
        return 0.55 * tone + 0.45 * highpass(wires, sr, 1500.0) * decay(n, sr, 0.09)
    if key == 37:  # side stick
        crack, n = noise(0.08)
        tone = np.sin(2 * np.pi * 1700.0 * times(n, sr))
        return (0.6 * tone + 0.4 * bandpass(crack, sr, 1000.0, 6000.0)) * decay(n, sr, 0.015)
    if key == 39:  # hand clap: three quick bursts and a short tail
        burst, n = noise(0.25)
        shaped = bandpass(burst, sr, 800.0, 3500.0)
        env = decay(n, sr, 0.06)
        for offset in (0.0, 0.011, 0.023):
            s = int(offset * sr)
            env[s : s + int(0.008 * sr)] += 1.0
        return shaped * env * 0.5
    if key in (42, 44, 46, 54, 70):  # hats, tambourine, shaker: high noise
        length, tau = {46: (0.45, 0.16), 54: (0.25, 0.06), 70: (0.12, 0.03)}.get(key, (0.1, 0.02))
        hiss, n = noise(length)
        cutoff = 5000.0 if key == 70 else 7000.0
        env = decay(n, sr, tau)
        if key == 70:  # a shaker swells in
            env *= np.minimum(1.0, times(n, sr) / 0.015)
        return highpass(hiss, sr, cutoff, order=3) * env * 0.6
    if key in (49, 57, 51, 59):  # crash / ride cymbals
        ride = key in (51, 59)
        wash, n = noise(1.2 if ride else 2.2)
        bell = np.sin(2 * np.pi * 3150.0 * times(n, sr)) * 0.2 if ride else 0.0
        body = highpass(wash, sr, 4000.0 if ride else 3000.0, order=2) + bell
        return body * decay(n, sr, 0.35 if ride else 0.7) * 0.45
    if key in TOM_PITCH:
        n = int(0.5 * sr)
        pitch = TOM_PITCH[key]
        return _sweep(n, sr, pitch * 1.6, pitch, 0.05) * decay(n, sr, 0.18)
    # any other key: a short filtered tick so nothing in a score is dropped silently
    tick, n = noise(0.05)
    return bandpass(tick, sr, 500.0, 5000.0) * decay(n, sr, 0.01)
