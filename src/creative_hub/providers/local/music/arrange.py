"""Plan -> score: melody, pads, bass, broken chords and drums, bar by bar.

Form: an optional intro (pads and broken chords), then 8-bar sections alternating
A and B (each with its own 2-bar melodic motif, repeated and varied, cadencing on
the chord root every 4 bars), then a final tonic chord held to the end. Drums
crash at each section start and fill before each phrase.
"""

from __future__ import annotations

import math

import numpy as np

from creative_hub.providers.local.music.accompaniment import (
    arpeggio_notes,
    bass_notes,
    drum_notes,
    pad_notes,
)
from creative_hub.providers.local.music.plan import BEATS_PER_BAR, MusicPlan
from creative_hub.providers.local.music.song import DRUM_CHANNEL, Note, Part, Song
from creative_hub.providers.local.music.theory import chord_pitch_classes, scale_pitch

TAIL_BEATS = 2.0
SECTION_BARS = 8
# Melody instruments that sound best an octave up (small bells) or down (low strings, brass).
HIGH_LEADS = {8, 9, 10, 11}
LOW_LEADS = {42, 43, 57, 58, 60}

Motif = list[tuple[float, float, int]]  # (onset in beats within 2 bars, length, scale step)


def _make_motif(rng: np.random.Generator, density: float, base_step: int) -> Motif:
    lengths = np.array([0.5, 1.0, 1.5, 2.0])
    weights = np.array([0.1 + density, 1.0, 0.2 + 0.6 * (1 - density), 1.1 - density])
    weights /= weights.sum()
    motif: Motif = []
    pos, step = 0.0, base_step
    while pos < 2 * BEATS_PER_BAR - 1e-9:
        length = float(rng.choice(lengths, p=weights))
        length = min(length, BEATS_PER_BAR - pos % BEATS_PER_BAR)  # never across a bar line
        if pos == 0 or rng.random() > 0.12:  # an occasional rest
            motif.append((pos, length, step))
        step += int(rng.choice([-2, -1, 0, 1, 2], p=[0.12, 0.33, 0.1, 0.33, 0.12]))
        step = int(np.clip(step, base_step - 3, base_step + 6))
        pos += length
    return motif


def _snap_to_chord(step: int, chord_steps: list[int]) -> int:
    """The scale step nearest `step` that is a chord tone (any octave)."""
    candidates = [c + 7 * k for c in chord_steps for k in range(-3, 4)]
    return min(candidates, key=lambda c: (abs(c - step), c))


def _melody(plan: MusicPlan, chords: list[int], first_bar: int, final_bar: int) -> list[Note]:
    base = 72 if plan.lead in HIGH_LEADS else 48 if plan.lead in LOW_LEADS else 60
    motifs = {
        "A": _make_motif(np.random.default_rng([plan.seed, 1]), plan.density, 2),
        "B": _make_motif(np.random.default_rng([plan.seed, 2]), plan.density, 4),
    }
    rng = np.random.default_rng([plan.seed, 3])
    notes: list[Note] = []
    last_step = 0
    for chunk_bar in range(first_bar, final_bar, 2):
        section = "A" if ((chunk_bar - first_bar) // SECTION_BARS) % 2 == 0 else "B"
        phrase_end = (chunk_bar - first_bar) % 4 == 2 or chunk_bar + 2 >= final_bar
        motif = motifs[section]
        for i, (onset, length, step) in enumerate(motif):
            bar = chunk_bar + int(onset // BEATS_PER_BAR)
            if bar >= final_bar:
                break
            degree = chords[bar]
            chord_steps = [degree, degree + 2, degree + 4]
            strong = onset % 2 == 0
            if not strong and phrase_end and rng.random() < 0.3:
                step += int(rng.choice([-1, 1]))  # vary the repeat
            if strong:
                step = _snap_to_chord(step, chord_steps)
            if phrase_end and i == len(motif) - 1:
                step = _snap_to_chord(step, [degree])  # cadence on the root, held
                length = BEATS_PER_BAR - onset % BEATS_PER_BAR
            velocity = (92 if strong else 80) + (6 if section == "B" else 0)
            velocity += int(rng.integers(-5, 6))
            pitch = scale_pitch(plan.tonic, plan.scale, step, base)
            notes.append(Note(chunk_bar * BEATS_PER_BAR + onset, length * 0.95, pitch, velocity))
            last_step = step
    end_step = _snap_to_chord(last_step, [0])
    notes.append(
        Note(
            final_bar * BEATS_PER_BAR,
            math.inf,
            scale_pitch(plan.tonic, plan.scale, end_step, base),
            85,
        )
    )
    return notes


def arrange(plan: MusicPlan) -> Song:
    total = plan.beats
    # The final tonic chord starts on the last bar line at least 2 beats before the end.
    final_bar = max(0, math.floor((total - 2) / BEATS_PER_BAR))
    intro = 2 if final_bar >= 10 else 1 if final_bar >= 6 else 0
    prog = plan.progression
    chords = [prog[b % len(prog)] for b in range(final_bar)] + [0]
    pcs = [chord_pitch_classes(plan.tonic, plan.scale, d, plan.sevenths) for d in chords]
    rng = np.random.default_rng([plan.seed, 4])

    pads: list[Note] = []
    bass: list[Note] = []
    arp: list[Note] = []
    drums: list[Note] = []
    for bar in range(final_bar):
        start = bar * BEATS_PER_BAR
        next_root = pcs[bar + 1][0]
        pads += pad_notes(pcs[bar], start, BEATS_PER_BAR, 62)
        bass += bass_notes(plan.bass_style, pcs[bar], next_root, start, BEATS_PER_BAR, 92)
        if plan.arp is not None:
            arp += arpeggio_notes(pcs[bar], start, BEATS_PER_BAR, plan.arp_per_beat, 66)
        if bar >= intro:
            since = bar - intro
            drums += drum_notes(
                plan.drums,
                start,
                rng,
                crash=since % SECTION_BARS == 0,
                fill=since % 4 == 3 or bar == final_bar - 1,
            )
    end = final_bar * BEATS_PER_BAR
    pads += pad_notes(pcs[-1], end, math.inf, 64)
    bass += bass_notes("sustained", pcs[-1], pcs[-1][0], end, math.inf, 92)
    if plan.arp is not None:
        arp += arpeggio_notes(pcs[-1], end, 1, plan.arp_per_beat, 60)
    if final_bar > 0:
        drums += drum_notes(plan.drums, end, rng, crash=True, fill=False, steps=1)
    melody = _melody(plan, chords, intro, final_bar)

    stop = total + TAIL_BEATS

    def clip(notes: list[Note]) -> tuple[Note, ...]:
        """Drop notes past the end; hold the last ones into the tail."""
        return tuple(
            Note(n.start, min(n.length, stop - n.start), n.pitch, n.velocity)
            for n in sorted(notes, key=lambda n: (n.start, n.pitch))
            if n.start < total
        )

    parts = [
        Part("melody", 0, plan.lead, 100, 64, 50, clip(melody)),
        Part("pad", 1, plan.pad, 70, 64, 80, clip(pads)),
        Part("bass", 2, plan.bass, 96, 64, 25, clip(bass)),
    ]
    if plan.arp is not None:
        parts.append(Part("arpeggio", 3, plan.arp, 68, 40, 60, clip(arp)))
    if plan.drums != "none":
        parts.append(Part("drums", DRUM_CHANNEL, 0, 92, 64, 30, clip(drums)))
    return Song(plan.tempo, BEATS_PER_BAR, total, TAIL_BEATS, tuple(parts))
