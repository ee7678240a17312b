"""Instrument voices for the numpy synthesizer, one per General MIDI family.

Each voice is a wavetable tone (harmonic amplitudes) with an envelope: percussive
voices (piano, plucks, mallets, bass) decay; sustained voices (strings, pads, brass,
winds, organ) follow attack / decay-to-sustain / release. A second detuned
oscillator gives pads and strings their width; bells add inharmonic partials.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from creative_hub.providers.local.music.dsp import Array, times

TABLE_SIZE = 4096


@dataclass(frozen=True)
class Timbre:
    body: tuple[float, ...]  # harmonic amplitudes (1st, 2nd, ...)
    bright: tuple[float, ...] = ()  # harmonics that fade quickly after the attack
    attack: float = 0.005
    decay_tau: float | None = None  # percussive: seconds to 37 % at middle C
    bright_tau: float = 0.06
    sustain: float = 1.0  # sustained voices: level after the attack settles
    release: float = 0.12
    vibrato: float = 0.0  # cents
    detune: float = 0.0  # cents of the chorus oscillator; 0 = none
    partials: tuple[tuple[float, float, float], ...] = ()  # (ratio, amplitude, tau) for bells


def _saw(n: int, tilt: float = 1.0) -> tuple[float, ...]:
    return tuple(1.0 / k**tilt for k in range(1, n + 1))


def _odd(n: int) -> tuple[float, ...]:
    return tuple((1.0 / k if k % 2 else 0.0) for k in range(1, n + 1))


PIANO = Timbre(
    (1.0, 0.45, 0.22, 0.12, 0.06, 0.03),
    bright=(0.0, 0.25, 0.25, 0.2, 0.16, 0.12, 0.08, 0.05),
    decay_tau=1.1,
    release=0.25,
)
ELECTRIC_PIANO = Timbre(
    (1.0, 0.2, 0.08),
    bright=(0.0, 0.0, 0.0, 0.15, 0.0, 0.0, 0.1),
    decay_tau=1.4,
    release=0.3,
    detune=4.0,
)
MALLET = Timbre(
    (1.0,), decay_tau=0.9, release=0.3, partials=((2.76, 0.35, 0.25), (5.4, 0.15, 0.08))
)
MARIMBA = Timbre((1.0,), decay_tau=0.35, release=0.1, partials=((3.93, 0.3, 0.05),))
PLUCK = Timbre(
    (1.0, 0.5, 0.33, 0.2, 0.12, 0.08),
    bright=(0.0, 0.3, 0.25, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05),
    decay_tau=0.7,
    bright_tau=0.04,
    release=0.15,
)
BASS = Timbre((1.0, 0.55, 0.2, 0.1), bright=(0.0, 0.2, 0.2, 0.1), decay_tau=1.6, release=0.08)
SYNTH_BASS = Timbre(_saw(10, 1.2), decay_tau=1.0, release=0.05)
BOWED = Timbre(_saw(10, 1.1), attack=0.08, sustain=0.85, release=0.25, vibrato=14.0, detune=5.0)
ENSEMBLE = Timbre(_saw(8, 1.3), attack=0.35, sustain=0.9, release=0.6, vibrato=6.0, detune=9.0)
CHOIR = Timbre((1.0, 0.5, 0.35, 0.45, 0.2, 0.1), attack=0.3, release=0.5, vibrato=12.0, detune=7.0)
BRASS = Timbre(
    (1.0, 0.8, 0.6, 0.45, 0.35, 0.25, 0.16, 0.1),
    attack=0.05,
    sustain=0.8,
    release=0.15,
    vibrato=6.0,
    detune=3.0,
)
FLUTE = Timbre((1.0, 0.25, 0.08, 0.03), attack=0.06, sustain=0.9, release=0.12, vibrato=12.0)
REED = Timbre((1.0, 0.05, 0.5, 0.05, 0.3, 0.04, 0.15), attack=0.04, sustain=0.85, vibrato=8.0)
ORGAN = Timbre((1.0, 0.8, 0.0, 0.5, 0.0, 0.3, 0.0, 0.25), attack=0.01, release=0.06)
SQUARE_LEAD = Timbre(_odd(13), attack=0.01, sustain=0.8, release=0.08, vibrato=8.0, detune=6.0)
SAW_LEAD = Timbre(_saw(12), attack=0.01, sustain=0.8, release=0.08, vibrato=8.0, detune=6.0)
SYNTH_PAD = Timbre(_saw(8, 1.5), attack=0.6, sustain=0.9, release=0.9, vibrato=4.0, detune=11.0)

_SPECIAL: dict[int, Timbre] = {
    4: ELECTRIC_PIANO,
    5: ELECTRIC_PIANO,
    12: MARIMBA,
    13: MARIMBA,
    38: SYNTH_BASS,
    39: SYNTH_BASS,
    45: PLUCK,  # pizzicato
    46: PLUCK,  # harp
    47: MARIMBA,  # timpani-ish
    52: CHOIR,
    53: CHOIR,
    54: CHOIR,
    81: SAW_LEAD,
}
# By family: program // 8.
_FAMILY = (
    PIANO,
    MALLET,
    ORGAN,
    PLUCK,
    BASS,
    BOWED,
    ENSEMBLE,
    BRASS,
    REED,
    FLUTE,
    SQUARE_LEAD,
    SYNTH_PAD,
    SYNTH_PAD,
    PLUCK,
    MARIMBA,
    SYNTH_PAD,
)


def timbre_for(program: int) -> Timbre:
    return _SPECIAL.get(program) or _FAMILY[(program // 8) % len(_FAMILY)]


@lru_cache(maxsize=64)
def _table(harmonics: tuple[float, ...]) -> Array:
    phase = np.arange(TABLE_SIZE) * (2 * np.pi / TABLE_SIZE)
    table = np.zeros(TABLE_SIZE + 1)
    for k, amp in enumerate(harmonics, start=1):
        if amp:
            table[:TABLE_SIZE] += amp * np.sin(k * phase)
    table[TABLE_SIZE] = table[0]  # wrap-around sample for interpolation
    return table


def _lookup(table: Array, cycles: Array) -> Array:
    pos = (cycles % 1.0) * TABLE_SIZE
    index = pos.astype(np.int64)
    frac = pos - index
    return table[index] * (1 - frac) + table[index + 1] * frac


def render_note(timbre: Timbre, pitch: int, seconds: float, sample_rate: int) -> Array:
    """One note held for `seconds` plus its release, at full velocity."""
    freq = 440.0 * 2 ** ((pitch - 69) / 12)
    held = max(1, int(seconds * sample_rate))
    n = held + int(timbre.release * sample_rate)
    t = times(n, sample_rate)
    cycles = freq * t
    if timbre.vibrato:
        depth = freq * (2 ** (timbre.vibrato / 1200) - 1)  # Hz of deviation
        rate = 5.5
        onset = np.minimum(1.0, t / 0.4)  # vibrato grows in, as players do
        cycles = cycles + onset * depth / (2 * np.pi * rate) * np.sin(2 * np.pi * rate * t)
    body_table = _table(timbre.body)
    tone = _lookup(body_table, cycles)
    if timbre.detune:
        ratio = 2 ** (timbre.detune / 1200)
        tone = 0.5 * (tone + _lookup(body_table, cycles * ratio + 0.31))
    attack = np.minimum(1.0, t / max(timbre.attack, 1.0 / sample_rate))
    if timbre.decay_tau is not None:
        tau = timbre.decay_tau * (261.6 / freq) ** 0.5  # low notes ring longer
        env = attack * np.exp(-t / tau)
    else:
        settle = np.exp(-np.maximum(t - timbre.attack, 0.0) / 0.25)
        env = attack * (timbre.sustain + (1 - timbre.sustain) * settle)
    release = np.linspace(1.0, 0.0, n - held)
    env[held:] *= release
    out: Array = tone * env
    extra = np.zeros(n)
    if timbre.bright:
        extra += _lookup(_table(timbre.bright), cycles) * np.exp(-t / timbre.bright_tau)
    for ratio, amp, tau in timbre.partials:
        if freq * ratio < sample_rate / 2:
            extra += amp * np.sin(2 * np.pi * freq * ratio * t) * np.exp(-t / tau)
    if timbre.bright or timbre.partials:
        extra *= attack
        extra[held:] *= release
        out += extra
    return out
