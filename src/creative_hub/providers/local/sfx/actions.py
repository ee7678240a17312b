"""Things happening: whoosh, footsteps, applause, explosion, knock, heartbeat.

Every effect is `render(n, sr, rng) -> mono samples`, filling exactly n samples.
"""

from __future__ import annotations

import numpy as np

from creative_hub.providers.local.music.dsp import (
    Array,
    bandpass,
    colored_noise,
    decay,
    lowpass,
    times,
)
from creative_hub.providers.local.sfx.shaping import (
    band_mask,
    burst,
    poisson_times,
    room,
    scatter,
    shaped_noise,
    unit,
)


def whoosh(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Air rushing past: a band of noise sweeping up to ~2.5 kHz and back, swelling in the middle.

    The whole duration is one pass, so a longer request is a slower whoosh.
    """
    seconds = n / sr
    peak = 0.55

    def centre(at: Array) -> Array:
        x = np.clip(at / seconds, 0.0, 1.0)
        rising = 250.0 * (2500.0 / 250.0) ** (x / peak)
        falling = 2500.0 * (600.0 / 2500.0) ** ((x - peak) / (1 - peak))
        hz: Array = np.where(x < peak, rising, falling)
        return hz

    band = shaped_noise(rng, n, sr, band_mask(centre, 1.2))
    x = times(n, sr) / seconds
    swell = np.where(x < peak, (x / peak) ** 2, ((1 - x) / (1 - peak)) ** 1.5)
    air = lowpass(rng.standard_normal(n), sr, 800.0)
    return swell * (band + 0.3 * unit(air))


def _step(sr: int, rng: np.random.Generator) -> Array:
    """A heel thud then a toe scuff."""
    m = int(0.25 * sr)
    t = times(m, sr)
    thud = lowpass(rng.standard_normal(m), sr, 500.0) * np.exp(-t / 0.025)
    thud = unit(thud) + 0.8 * np.sin(2 * np.pi * 75.0 * t) * np.exp(-t / 0.04)
    scuff = np.zeros(m)
    s = int(0.06 * sr)
    scuff[s:] = bandpass(burst(rng, sr, (m - s) / sr, 0.02), sr, 1000.0, 5000.0)
    return thud + 0.5 * unit(scuff) * (t >= 0.06)


def footsteps(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Walking on a hard floor: a step every ~0.5 s, each a thud and a scuff, in a small room."""
    seconds = n / sr
    at = np.arange(0.05, seconds, 0.5) + rng.normal(0.0, 0.02, len(np.arange(0.05, seconds, 0.5)))
    at = np.clip(at, 0.0, None)
    out = np.zeros(n)
    kernels = [_step(sr, rng) for _ in range(3)]
    for i, kernel in enumerate(kernels):
        pick = at[i::3]
        out += scatter(n, sr, pick, kernel, rng.uniform(0.75, 1.0, len(pick)))
    return room(out, sr, rng, 0.08, 0.3)


def applause(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A crowd clapping: ~30 people at 3.5 to 5 claps a second, swelling in and dying away."""
    seconds = n / sr
    out = np.zeros(n)
    bands = ((700.0, 2500.0), (1000.0, 3500.0), (1500.0, 5000.0), (900.0, 3000.0))
    for low, high in bands:
        kernel = bandpass(burst(rng, sr, 0.04, 0.007), sr, low, high)
        at_list = []
        for _ in range(8):  # clappers sharing this hand shape
            rate = float(rng.uniform(3.5, 5.0))
            beats = np.arange(float(rng.uniform(0, 0.3)), seconds, 1.0 / rate)
            at_list.append(beats + rng.normal(0.0, 0.012, len(beats)))
        at = np.concatenate(at_list)
        out += scatter(n, sr, np.clip(at, 0.0, None), kernel, rng.uniform(0.5, 1.0, len(at)))
    t = times(n, sr)
    fade_from = 0.75 * seconds
    envelope = np.minimum(1.0, t / min(0.4, seconds / 4)) * np.where(
        t < fade_from, 1.0, np.exp(-(t - fade_from) / max(0.05, seconds / 12))
    )
    return room(out * envelope, sr, rng, 0.15, 0.4)


def explosion(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A blast: a sharp broadband crack, a sub boom, a roaring body and falling debris."""
    seconds = n / sr
    t = times(n, sr)
    tail = max(0.3, min(2.0, seconds / 3))
    crack = lowpass(rng.standard_normal(n), sr, 5000.0)
    boom = np.sin(2 * np.pi * np.cumsum(35.0 + 60.0 * np.exp(-t / 0.15)) / sr) * np.exp(
        -t / (tail * 0.5)
    )
    body = unit(lowpass(colored_noise(rng, n, sr, -2.0), sr, 900.0)) * np.exp(-t / tail)
    at = poisson_times(rng, min(seconds, 3 * tail), 40.0)
    debris = scatter(
        n,
        sr,
        at,
        bandpass(burst(rng, sr, 0.02, 0.004), sr, 800.0, 6000.0),
        rng.lognormal(0.0, 0.7, len(at)) * np.exp(-at / tail),
    )
    mix = 0.35 * unit(crack) * np.exp(-t / 0.03) + 1.2 * boom + body + 0.25 * unit(debris)
    attack = np.minimum(1.0, t / 0.002)
    return np.tanh(1.5 * mix * attack / (np.max(np.abs(mix)) or 1.0))


def _knock(sr: int, rng: np.random.Generator) -> Array:
    """Knuckles on a wooden door: a few damped resonances and a tiny click."""
    m = int(0.15 * sr)
    t = times(m, sr)
    modes = ((170.0, 1.0, 0.03), (410.0, 0.6, 0.02), (930.0, 0.35, 0.012), (1650.0, 0.2, 0.007))
    wood = sum(a * np.sin(2 * np.pi * f * t) * np.exp(-t / tau) for f, a, tau in modes)
    click = bandpass(burst(rng, sr, 0.15, 0.001), sr, 1000.0, 5000.0)
    return np.asarray(wood) + 0.3 * unit(click) * np.exp(-t / 0.001)


def knock(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Three knocks on a door, repeated after a pause when there is time."""
    seconds = n / sr
    at: list[float] = []
    start = 0.05
    while start + 0.4 < seconds or not at:
        at += [start, start + 0.17, start + 0.34]
        start += 1.6
    kernels = [_knock(sr, rng) for _ in range(3)]
    out = np.zeros(n)
    for i, kernel in enumerate(kernels):
        pick = np.array(at[i::3])
        out += scatter(n, sr, pick, kernel, rng.uniform(0.8, 1.0, len(pick)))
    return room(out, sr, rng, 0.06, 0.25)


def heartbeat(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A resting heart at ~68 BPM: a strong low 'lub' then a softer 'dub'."""
    seconds = n / sr
    period = 60.0 / 68.0
    m = int(0.2 * sr)
    t = times(m, sr)

    def beat(freq: float) -> Array:
        thump = np.sin(2 * np.pi * freq * t) * np.minimum(1.0, t / 0.01) * np.exp(-t / 0.045)
        return thump + 0.3 * unit(lowpass(rng.standard_normal(m), sr, 150.0)) * decay(m, sr, 0.03)

    lub_at = np.arange(0.05, seconds, period)
    out = scatter(n, sr, lub_at, beat(55.0)) + scatter(n, sr, lub_at + 0.28, beat(68.0), None) * 0.7
    return out
