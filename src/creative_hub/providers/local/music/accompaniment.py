"""Pads, bass, broken chords and drums for one bar, following the bar's chord."""

from __future__ import annotations

import numpy as np

from creative_hub.providers.local.music.song import Note

# General MIDI percussion keys.
KICK, SIDE_STICK, SNARE, CLAP, CLOSED_HAT, OPEN_HAT = 36, 37, 38, 39, 42, 46
LOW_TOM, MID_TOM, HIGH_TOM, CRASH, RIDE, SHAKER = 45, 47, 50, 49, 51, 70

# Drum grooves: instrument -> (16th-note step, velocity) over one 4/4 bar.
GROOVES: dict[str, dict[int, tuple[tuple[int, int], ...]]] = {
    "none": {},
    "soft": {
        KICK: ((0, 70), (10, 55)),
        SIDE_STICK: ((4, 60), (12, 60)),
        SHAKER: tuple((s, 45 if s % 4 else 55) for s in range(0, 16, 2)),
    },
    "pop": {
        KICK: ((0, 100), (7, 70), (8, 95)),
        SNARE: ((4, 100), (12, 100)),
        CLOSED_HAT: tuple((s, 80 if s % 4 == 0 else 60) for s in range(0, 16, 2)),
    },
    "driving": {
        KICK: ((0, 110), (4, 105), (8, 110), (12, 105)),
        CLAP: ((4, 95), (12, 95)),
        CLOSED_HAT: tuple((s, 70) for s in range(0, 16) if s % 4 != 2),
        OPEN_HAT: ((2, 75), (6, 75), (10, 75), (14, 75)),
    },
    "halftime": {
        KICK: ((0, 95), (7, 60), (10, 80)),
        SNARE: ((8, 90),),
        CLOSED_HAT: tuple((s, 65 if s % 4 == 0 else 45) for s in range(0, 16, 2)),
    },
    "epic": {
        KICK: ((0, 115), (8, 105)),
        LOW_TOM: ((0, 100), (3, 80), (6, 90), (8, 100), (11, 80), (14, 90)),
        SNARE: ((12, 95),),
    },
    "tense": {
        KICK: ((0, 100), (6, 85), (8, 95)),
        SIDE_STICK: ((12, 70),),
        CLOSED_HAT: tuple((s, 55 if s % 4 else 70) for s in range(16)),
    },
}

FILL: tuple[tuple[int, int, int], ...] = (
    (12, HIGH_TOM, 95),
    (13, HIGH_TOM, 85),
    (14, MID_TOM, 95),
    (15, LOW_TOM, 105),
)


def _near(pitch_class: int, low: int) -> int:
    """The pitch of this class at or just above `low`."""
    return low + (pitch_class - low) % 12


def pad_notes(chord: list[int], start: float, length: float, velocity: int) -> list[Note]:
    """A closed voicing kept between F3 and E4, so successive chords move little."""
    return [Note(start, length, _near(pc, 53), velocity) for pc in chord]


def bass_notes(
    style: str, chord: list[int], next_root: int, start: float, beats: float, velocity: int
) -> list[Note]:
    """One bar of bass in a style; 'sustained' holds the root for `beats` (may be inf)."""
    root = _near(chord[0], 33)
    fifth = _near(chord[2], root)
    if style == "sustained" or beats < 4:
        return [Note(start, beats, root, velocity)]
    if style == "root_fifth":
        return [
            Note(start, 1.5, root, velocity),
            Note(start + 1.5, 0.5, root, velocity - 15),
            Note(start + 2, 1.5, fifth, velocity - 5),
            Note(start + 3.5, 0.5, root + 12, velocity - 15),
        ]
    if style == "pulse":
        return [
            Note(
                start + i * 0.5, 0.45, root + (12 if i == 7 else 0), velocity - (0 if i % 2 else 12)
            )
            for i in range(8)
        ]
    # walking: root, third, fifth, then a half step into the next bar's root
    target = _near(next_root, root - 6)
    approach = target - 1 if target > fifth else target + 1
    third = _near(chord[1], root)
    return [
        Note(start + i, 0.9, p, velocity - (0 if i == 0 else 10))
        for i, p in enumerate((root, third, fifth, approach))
    ]


def arpeggio_notes(
    chord: list[int], start: float, beats: int, per_beat: int, velocity: int
) -> list[Note]:
    """Up and down through the chord from C4, `per_beat` notes a beat."""
    tones = sorted(_near(pc, 60) for pc in chord)
    cycle = [*tones, tones[0] + 12, *reversed(tones[1:])]
    step = 1.0 / per_beat
    return [
        Note(start + i * step, step * 0.95, cycle[i % len(cycle)], velocity - (0 if i % 2 else 8))
        for i in range(beats * per_beat)
    ]


def drum_notes(
    style: str,
    start: float,
    rng: np.random.Generator,
    *,
    crash: bool,
    fill: bool,
    steps: int = 16,
) -> list[Note]:
    notes: list[Note] = []
    groove = GROOVES[style]
    for key, hits in groove.items():
        for step, velocity in hits:
            if step >= steps or (fill and step >= 12):
                continue
            v = int(np.clip(velocity + rng.integers(-6, 7), 1, 127))
            notes.append(Note(start + step / 4, 0.25, key, v))
    if fill and style in ("pop", "driving", "epic") and steps >= 16:
        notes += [Note(start + s / 4, 0.25, key, v) for s, key, v in FILL]
    if crash and style != "none":
        notes.append(Note(start, 2.0, CRASH, 100))
        if KICK not in groove or all(s for s, _ in groove[KICK]):
            notes.append(Note(start, 0.25, KICK, 100))
    return notes
