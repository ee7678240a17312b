"""Just enough music theory for the composer: scales, keys, diatonic chords, roman numerals."""

from __future__ import annotations

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")

# Semitone offsets from the tonic, seven degrees each.
SCALES: dict[str, tuple[int, ...]] = {
    "major": (0, 2, 4, 5, 7, 9, 11),
    "minor": (0, 2, 3, 5, 7, 8, 10),
    "harmonic minor": (0, 2, 3, 5, 7, 8, 11),
    "dorian": (0, 2, 3, 5, 7, 9, 10),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "lydian": (0, 2, 4, 6, 7, 9, 11),
    "phrygian": (0, 1, 3, 5, 7, 8, 10),
}

# Whether the key reads as major or minor (for "A minor" style names).
_MINOR_SCALES = {"minor", "harmonic minor", "dorian", "phrygian"}

_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def key_name(tonic: int, scale: str) -> str:
    quality = "minor" if scale in _MINOR_SCALES else "major"
    mode = "" if scale in ("major", "minor") else f" ({scale})"
    return f"{NOTE_NAMES[tonic % 12]} {quality}{mode}"


def scale_pitch(tonic: int, scale: str, step: int, octave_base: int) -> int:
    """MIDI pitch of scale step `step` (may be negative or past 7) above tonic in octave_base.

    octave_base is the MIDI pitch of the C that starts the octave (60 = middle C).
    """
    degrees = SCALES[scale]
    octave, index = divmod(step, len(degrees))
    return octave_base + tonic + 12 * octave + degrees[index]


def chord_steps(degree: int, seventh: bool = False) -> tuple[int, ...]:
    """Scale steps of the diatonic triad (or seventh chord) built on `degree` (0 = tonic)."""
    steps = (degree, degree + 2, degree + 4)
    return (*steps, degree + 6) if seventh else steps


def chord_pitch_classes(tonic: int, scale: str, degree: int, seventh: bool = False) -> list[int]:
    return [scale_pitch(tonic, scale, s, 0) % 12 for s in chord_steps(degree, seventh)]


def roman_numeral(scale: str, degree: int) -> str:
    """'I', 'vi', 'vii°', 'III+' ... for the triad on `degree` in `scale`."""
    root, third, fifth = (scale_pitch(0, scale, s, 0) for s in chord_steps(degree))
    third_size, fifth_size = (third - root) % 12, (fifth - root) % 12
    numeral = _ROMAN[degree % 7]
    if third_size == 3:
        numeral = numeral.lower()
    if fifth_size == 6:
        return numeral + "°"
    if fifth_size == 8:
        return numeral + "+"
    return numeral
