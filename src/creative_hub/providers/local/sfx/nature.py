"""Weather and nature: rain, wind, thunder, storm, ocean waves, fire, birds.

Every effect is `render(n, sr, rng) -> mono samples`, filling exactly n samples.
"""

from __future__ import annotations

import numpy as np

from creative_hub.providers.local.music.dsp import (
    Array,
    bandpass,
    colored_noise,
    decay,
    highpass,
    lowpass,
    smooth_random,
    times,
)
from creative_hub.providers.local.sfx.shaping import (
    band_mask,
    burst,
    lowpass_mask,
    poisson_times,
    scatter,
    shaped_noise,
    smoothstep,
    unit,
)


def rain(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A hissing bed of pink noise plus hundreds of tiny drop ticks and a few larger plinks."""
    seconds = n / sr
    bed = highpass(colored_noise(rng, n, sr, -1.0), sr, 400.0) * (
        0.8 + 0.2 * smooth_random(rng, n, sr, 0.5)
    )
    tick_at = poisson_times(rng, seconds, 500.0)
    tick = bandpass(burst(rng, sr, 0.012, 0.0015), sr, 1500.0, 12000.0)
    ticks = scatter(n, sr, tick_at, tick, rng.lognormal(0.0, 0.5, len(tick_at)))
    plink_at = poisson_times(rng, seconds, 12.0)
    plinks = np.zeros(n)
    for pitch in (1800.0, 2600.0, 3500.0):
        m = int(0.03 * sr)
        drop = np.sin(2 * np.pi * pitch * times(m, sr) * (1 + 0.3 * times(m, sr))) * decay(
            m, sr, 0.006
        )
        pick = plink_at[rng.random(len(plink_at)) < 0.33]
        plinks += scatter(n, sr, pick, drop, rng.uniform(0.3, 1.0, len(pick)))
    return unit(bed) + 0.5 * unit(ticks) + 0.25 * unit(plinks)


def wind(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Gusts: noise through a wandering band-pass, a faint whistle, and a low rumble."""
    centre_curve = smooth_random(rng, n // 64 + 2, sr // 64, 0.3)
    gust_curve = smooth_random(rng, n, sr, 0.25)

    def centre(at: Array) -> Array:
        index = np.minimum((at * sr / 64).astype(int), len(centre_curve) - 1)
        hz: Array = 250.0 + 700.0 * centre_curve[index]
        return hz

    body = shaped_noise(rng, n, sr, band_mask(centre, 1.6))
    whistle = shaped_noise(rng, n, sr, band_mask(lambda at: 2.2 * centre(at), 0.15))
    rumble = lowpass(colored_noise(rng, n, sr, -2.0), sr, 150.0)
    gusts = 0.3 + 0.7 * gust_curve**1.5
    return gusts * (body + 0.25 * whistle) + 0.4 * unit(rumble) * (0.5 + 0.5 * gusts)


def _clap(n: int, sr: int, rng: np.random.Generator, start: float, strength: float) -> Array:
    """One thunderclap: a crack, then a rolling low rumble lasting the time left (up to 3 s
    time constant). Each layer is rendered only as long as it is audible."""
    out = np.zeros(n)
    s = int(start * sr)
    left = n - s
    if left <= 0:
        return out
    tail = max(0.4, min(3.0, left / sr / 3))
    length = min(left, int((7 * tail + 0.5) * sr))  # about -60 dB by then
    t = times(length, sr)
    rumble = unit(lowpass(colored_noise(rng, length, sr, -2.0), sr, 350.0)) * np.exp(-t / tail)
    short = min(length, int(7 * 0.4 * tail * sr) + 1)
    growl = bandpass(rng.standard_normal(short), sr, 150.0, 1200.0)
    rumble[:short] += 0.35 * unit(growl) * np.exp(-t[:short] / (0.4 * tail))
    roll = 0.4 + 0.6 * smooth_random(rng, length, sr, 5.0)
    out[s : s + length] = strength * rumble * roll * np.minimum(1.0, t / 0.15)
    crack_length = min(length, int(0.5 * sr))
    tc = t[:crack_length]
    crack = unit(bandpass(rng.standard_normal(crack_length), sr, 300.0, 4000.0))
    out[s : s + crack_length] += (
        strength * 0.5 * crack * np.minimum(1.0, tc / 0.004) * np.exp(-tc / 0.06)
    )
    return out


def thunder(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A thunderclap near the start; longer requests get more, 5 to 9 s apart."""
    seconds = n / sr
    out = _clap(n, sr, rng, min(0.05, seconds / 10), 1.0)
    at = 0.05 + float(rng.uniform(5.0, 9.0))
    while at < seconds - 1.0:
        out += _clap(n, sr, rng, at, float(rng.uniform(0.5, 0.9)))
        at += float(rng.uniform(5.0, 9.0))
    return np.tanh(1.2 * out / (np.max(np.abs(out)) or 1.0))


def storm(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Rain and wind with thunder rolling over them."""
    return 0.7 * unit(rain(n, sr, rng)) + 0.35 * unit(wind(n, sr, rng)) + unit(thunder(n, sr, rng))


def ocean_waves(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Waves every 5 to 9 s: surf swells, brightens as it breaks, then hisses back out."""
    seconds = n / sr
    t = times(n, sr)
    envelope = np.zeros(n)
    start = -float(rng.uniform(0.0, 2.0))  # begin partway into the first wave
    while start < seconds:
        period = min(float(rng.uniform(5.0, 9.0)), max(seconds, 1.0))
        phase = (t - start) / period
        rise = smoothstep(phase / 0.45)
        fall = np.exp(-np.maximum(phase - 0.45, 0.0) * 5.0)
        wave = np.where((phase >= 0) & (phase < 1.6), rise * fall, 0.0)
        envelope = np.maximum(envelope, float(rng.uniform(0.7, 1.0)) * wave)
        start += period

    def cutoff(at: Array) -> Array:
        e = np.interp(at, t, envelope)
        hz: Array = 250.0 + 2600.0 * e**1.5
        return hz

    surf = shaped_noise(rng, n, sr, lowpass_mask(cutoff))
    return surf * (0.12 + 0.88 * envelope**1.2)


def fire(n: int, sr: int, rng: np.random.Generator) -> Array:
    """A low roar, a little hiss, crackles (many, tiny) and pops (few, woody)."""
    seconds = n / sr
    roar = lowpass(colored_noise(rng, n, sr, -2.0), sr, 500.0)
    roar = unit(roar) * (0.6 + 0.4 * smooth_random(rng, n, sr, 2.0))
    hiss = highpass(rng.standard_normal(n), sr, 3000.0)
    at = poisson_times(rng, seconds, 30.0)
    crackle = scatter(
        n,
        sr,
        at,
        bandpass(burst(rng, sr, 0.004, 0.0008), sr, 1500.0, 9000.0),
        rng.lognormal(0.0, 0.4, len(at)),
    )
    pop_at = poisson_times(rng, seconds, 2.5)
    pops = scatter(
        n,
        sr,
        pop_at,
        bandpass(burst(rng, sr, 0.05, 0.012), sr, 300.0, 2500.0),
        rng.uniform(0.5, 1.0, len(pop_at)),
    )
    return roar + 0.05 * unit(hiss) + 0.35 * unit(crackle) + 0.3 * unit(pops)


def _chirp(sr: int, rng: np.random.Generator, high: float, low: float) -> Array:
    length = float(rng.uniform(0.04, 0.09))
    m = int(length * sr)
    t = times(m, sr)
    freq = low + (high - low) * np.exp(-t / (length / 3))
    tone = np.sin(2 * np.pi * np.cumsum(freq) / sr)
    env = np.sin(np.pi * t / length) ** 2
    tremolo = 1 + 0.3 * np.sin(2 * np.pi * 60 * t)
    chirp: Array = tone * env * tremolo
    return chirp


def birds(n: int, sr: int, rng: np.random.Generator) -> Array:
    """Two songbirds trading phrases of falling chirps over a faint leafy air."""
    seconds = n / sr
    out = np.zeros(n)
    for high, low, rate in ((6000.0, 3500.0, 1.0), (4500.0, 2600.0, 0.7)):
        at = 0.1 + float(rng.uniform(0.0, 0.6))
        while at < seconds:
            for _ in range(int(rng.integers(2, 6))):
                chirp = _chirp(sr, rng, high * rng.uniform(0.9, 1.1), low * rng.uniform(0.9, 1.1))
                s = int(at * sr)
                e = min(n, s + len(chirp))
                if s < n:
                    out[s:e] += chirp[: e - s] * rng.uniform(0.6, 1.0)
                at += len(chirp) / sr + float(rng.uniform(0.05, 0.12))
            at += float(rng.exponential(1.0 / rate)) + 0.3
    air = highpass(colored_noise(rng, n, sr, -1.0), sr, 1000.0)
    return out + 0.03 * unit(air)
