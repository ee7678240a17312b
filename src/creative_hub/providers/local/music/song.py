"""The MIDI-level score both renderers play: parts of timed notes, in beats."""

from __future__ import annotations

from dataclasses import dataclass

DRUM_CHANNEL = 9  # General MIDI percussion


@dataclass(frozen=True)
class Note:
    start: float  # beats from the start
    length: float  # beats
    pitch: int  # MIDI note (for drums: the General MIDI percussion key)
    velocity: int  # 1..127


@dataclass(frozen=True)
class Part:
    name: str  # melody, pad, bass, arpeggio, drums
    channel: int
    program: int  # General MIDI program (ignored on the drum channel)
    volume: int  # MIDI CC7, 0..127
    pan: int  # MIDI CC10, 0 left .. 64 centre .. 127 right
    reverb: int  # MIDI CC91, 0..127
    notes: tuple[Note, ...]

    @property
    def is_drums(self) -> bool:
        return self.channel == DRUM_CHANNEL


@dataclass(frozen=True)
class Song:
    tempo: int  # beats per minute
    beats_per_bar: int
    length_beats: float  # the requested duration, in beats
    tail_beats: float  # rendered past the end so the cut lands inside sounding music
    parts: tuple[Part, ...]

    def seconds(self, beats: float) -> float:
        return beats * 60.0 / self.tempo
