"""The moods the composer knows, and how a prompt's words choose mood, instruments and pace.

Each mood is a set of musical choices the seed picks from: a tempo range, tonics,
chord progressions in a scale (scale degrees, 0 = tonic), General MIDI
instruments, a drum style and a bass style.
"""

from __future__ import annotations

from dataclasses import dataclass

# General MIDI program numbers (0-based) of the instruments the moods use.
GM_NAMES: dict[int, str] = {
    0: "Acoustic Grand Piano",
    4: "Electric Piano",
    8: "Celesta",
    9: "Glockenspiel",
    10: "Music Box",
    11: "Vibraphone",
    12: "Marimba",
    16: "Drawbar Organ",
    24: "Nylon Guitar",
    25: "Steel Guitar",
    27: "Clean Electric Guitar",
    32: "Acoustic Bass",
    33: "Electric Bass",
    35: "Fretless Bass",
    38: "Synth Bass",
    40: "Violin",
    42: "Cello",
    43: "Contrabass",
    44: "Tremolo Strings",
    45: "Pizzicato Strings",
    46: "Harp",
    48: "String Ensemble",
    49: "Slow Strings",
    50: "Synth Strings",
    52: "Choir Aahs",
    56: "Trumpet",
    60: "French Horn",
    61: "Brass Section",
    68: "Oboe",
    71: "Clarinet",
    73: "Flute",
    80: "Square Lead",
    81: "Saw Lead",
    88: "New Age Pad",
    89: "Warm Pad",
    90: "Polysynth Pad",
    94: "Halo Pad",
}

DRUM_STYLES = ("none", "soft", "pop", "driving", "halftime", "epic", "tense")
BASS_STYLES = ("sustained", "root_fifth", "pulse", "walking")


@dataclass(frozen=True)
class MoodProfile:
    name: str
    tempo: tuple[int, int]
    tonics: tuple[int, ...]  # pitch classes, 0 = C
    # (scale, one chord per bar as scale degrees): progressions are written for their scale
    progressions: tuple[tuple[str, tuple[int, ...]], ...]
    leads: tuple[int, ...]
    pads: tuple[int, ...]
    bass: int
    arp: int | None  # broken-chord accompaniment, or none
    drums: str
    bass_style: str
    density: float  # 0 (long notes) .. 1 (busy melody)
    sevenths: bool = False
    arp_per_beat: int = 2


MAJ, MIN, HMIN, DOR, MIX, LYD, PHR = (
    "major",
    "minor",
    "harmonic minor",
    "dorian",
    "mixolydian",
    "lydian",
    "phrygian",
)

MOODS: dict[str, MoodProfile] = {
    p.name: p
    for p in (
        MoodProfile(
            "happy",
            (104, 124),
            (0, 2, 5, 7),
            ((MAJ, (0, 4, 5, 3)), (MAJ, (0, 3, 4, 3)), (MAJ, (0, 5, 3, 4))),
            leads=(0, 12, 9),
            pads=(48,),
            bass=33,
            arp=None,
            drums="pop",
            bass_style="root_fifth",
            density=0.7,
        ),
        MoodProfile(
            "sad",
            (60, 74),
            (9, 4, 2, 0),
            ((MIN, (0, 5, 2, 6)), (MIN, (0, 3, 5, 4)), (MIN, (0, 6, 5, 4)), (HMIN, (0, 3, 0, 4))),
            leads=(0, 42, 40),
            pads=(49,),
            bass=32,
            arp=0,
            drums="none",
            bass_style="sustained",
            density=0.3,
        ),
        MoodProfile(
            "calm",
            (66, 82),
            (0, 5, 7, 2),
            ((MAJ, (0, 3, 0, 4)), (MAJ, (0, 5, 3, 4)), (MAJ, (3, 0, 3, 4)), (LYD, (0, 1, 0, 1))),
            leads=(4, 73, 46),
            pads=(89, 88),
            bass=32,
            arp=46,
            drums="none",
            bass_style="sustained",
            density=0.35,
            sevenths=True,
        ),
        MoodProfile(
            "epic",
            (84, 100),
            (2, 4, 9, 0),
            ((MIN, (0, 5, 2, 6)), (MIN, (0, 5, 6, 0)), (MIN, (0, 3, 5, 6))),
            leads=(60, 61, 56),
            pads=(48, 52),
            bass=43,
            arp=45,
            drums="epic",
            bass_style="pulse",
            density=0.45,
            arp_per_beat=4,
        ),
        MoodProfile(
            "tense",
            (112, 136),
            (4, 9, 11, 2),
            ((HMIN, (0, 0, 5, 4)), (HMIN, (0, 5, 1, 4)), (PHR, (0, 1, 0, 1)), (PHR, (0, 1, 6, 0))),
            leads=(44, 45, 68),
            pads=(50,),
            bass=38,
            arp=45,
            drums="tense",
            bass_style="pulse",
            density=0.5,
            arp_per_beat=4,
        ),
        MoodProfile(
            "romantic",
            (68, 84),
            (5, 10, 3, 0),
            ((MAJ, (0, 5, 1, 4)), (MAJ, (0, 2, 3, 4)), (MAJ, (0, 3, 1, 4))),
            leads=(40, 24, 73),
            pads=(49,),
            bass=32,
            arp=0,
            drums="soft",
            bass_style="root_fifth",
            density=0.4,
            sevenths=True,
        ),
        MoodProfile(
            "upbeat",
            (120, 138),
            (7, 2, 9, 4),
            ((MAJ, (0, 4, 5, 3)), (MIX, (0, 6, 3, 0)), (MAJ, (5, 3, 0, 4))),
            leads=(80, 27, 61),
            pads=(90,),
            bass=38,
            arp=None,
            drums="driving",
            bass_style="pulse",
            density=0.8,
        ),
        MoodProfile(
            "mysterious",
            (76, 92),
            (2, 4, 11, 6),
            ((DOR, (0, 3, 0, 6)), (MIN, (0, 5, 3, 0)), (MIN, (0, 6, 5, 3)), (HMIN, (0, 5, 0, 4))),
            leads=(8, 11, 10),
            pads=(94,),
            bass=35,
            arp=11,
            drums="halftime",
            bass_style="sustained",
            density=0.4,
            sevenths=True,
        ),
        MoodProfile(
            "chill",
            (72, 90),
            (2, 5, 9, 0),
            ((MAJ, (1, 4, 0, 0)), (MAJ, (3, 2, 1, 0)), (DOR, (0, 3, 0, 3)), (DOR, (0, 6, 3, 0))),
            leads=(4, 11, 25),
            pads=(89,),
            bass=33,
            arp=None,
            drums="halftime",
            bass_style="walking",
            density=0.5,
            sevenths=True,
        ),
    )
}

DEFAULT_MOOD = "calm"
