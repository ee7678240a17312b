"""The numpy renderer: plays a `Song` with the synthesized voices and drum kit.

Used when FluidSynth or the soundfont is missing. Parts are balanced by role (a
fixed RMS level each) rather than trusting per-voice gains, then panned, and sent
to a convolution reverb made from decaying filtered noise.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from creative_hub.providers.local.music.drumkit import drum_hit
from creative_hub.providers.local.music.dsp import (
    Array,
    decay,
    fft_convolve,
    lowpass,
    pan_stereo,
)
from creative_hub.providers.local.music.song import Part, Song
from creative_hub.providers.local.music.timbres import render_note, timbre_for

# Mix level of each part (dBFS RMS over the whole song) before the final normalisation.
ROLE_LEVEL = {"melody": -20.0, "bass": -23.0, "drums": -23.0, "pad": -26.0, "arpeggio": -27.0}
REVERB_MIX = 0.3

Checkpoint = Callable[[float, str | None], None]


def _velocity_gain(velocity: int) -> float:
    return float((max(1, min(127, velocity)) / 127) ** 1.5)


def _render_part(
    part: Part, song: Song, sample_rate: int, frames: int, seed: int, report: Checkpoint
) -> Array:
    buffer = np.zeros(frames)
    timbre = timbre_for(part.program)
    cache: dict[tuple[int, int], Array] = {}
    rng = np.random.default_rng([seed, 5, part.channel])
    for i, note in enumerate(part.notes):
        if i % 64 == 0:
            report(i / max(1, len(part.notes)), f"synthesizing {part.name}")
        start = round(song.seconds(note.start) * sample_rate)
        if start >= frames:
            continue
        held = max(1, round(song.seconds(note.length) * sample_rate))
        key = (note.pitch, held if not part.is_drums else 0)
        if key not in cache:  # repeated notes (pads, drums) are rendered once
            cache[key] = (
                drum_hit(note.pitch, sample_rate, rng)
                if part.is_drums
                else render_note(timbre, note.pitch, held / sample_rate, sample_rate)
            )
        wave = cache[key]
        end = min(frames, start + len(wave))
        buffer[start:end] += wave[: end - start] * _velocity_gain(note.velocity)
    rms = float(np.sqrt(np.mean(buffer**2)))
    if rms > 0:
        buffer *= 10 ** (ROLE_LEVEL.get(part.name, -24.0) / 20) / rms
    return buffer


def _impulse_response(sample_rate: int, seed: int, seconds: float = 1.8) -> Array:
    """Stereo (n, 2) room: 20 ms pre-delay, then darkening exponentially decaying noise."""
    rng = np.random.default_rng([seed, 6])
    n = int(seconds * sample_rate)
    pre = int(0.02 * sample_rate)
    ir = np.zeros((n, 2))
    for ch in range(2):
        tail = lowpass(rng.standard_normal(n - pre), sample_rate, 5000.0) * decay(
            n - pre, sample_rate, 0.3
        )
        ir[pre:, ch] = tail / np.sqrt(np.sum(tail**2))
    return ir


def render_song(song: Song, sample_rate: int, seed: int, report: Checkpoint) -> Array:
    """Stereo (frames, 2) float64 audio of the whole song including its tail."""
    frames = int(np.ceil(song.seconds(song.length_beats + song.tail_beats) * sample_rate))
    dry = np.zeros((frames, 2))
    send = np.zeros(frames)
    count = len(song.parts)
    for index, part in enumerate(song.parts):

        def part_report(fraction: float, message: str | None, index: int = index) -> None:
            report(0.85 * (index + fraction) / count, message)

        mono = _render_part(part, song, sample_rate, frames, seed, part_report)
        dry += pan_stereo(mono, (part.pan - 64) / 64)
        send += mono * (part.reverb / 127)
    report(0.85, "adding reverb")
    ir = _impulse_response(sample_rate, seed)
    wet = fft_convolve(send, ir)[:frames]
    report(1.0, "synthesized")
    return dry + REVERB_MIX * wet
