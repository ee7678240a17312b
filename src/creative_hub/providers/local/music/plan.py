"""A request (mood or prompt, duration, tempo, seed) -> the musical plan every renderer follows."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np

from creative_hub.providers.base import MusicRequest, ProviderError
from creative_hub.providers.local.music.moods import DEFAULT_MOOD, GM_NAMES, MOODS
from creative_hub.providers.local.music.theory import key_name, roman_numeral
from creative_hub.providers.local.music.vocabulary import MOOD_WORDS, read_prompt
from creative_hub.providers.local.music.words import find_terms

MIN_DURATION, MAX_DURATION = 1.0, 300.0
MIN_TEMPO, MAX_TEMPO = 40, 220
MAX_PROMPT_CHARS = 2000
MAX_SEED = 2**63 - 1
BEATS_PER_BAR = 4


@dataclass(frozen=True)
class MusicPlan:
    seed: int
    mood: str
    duration: float
    tonic: int  # pitch class, 0 = C
    scale: str
    tempo: int
    progression: tuple[int, ...]  # scale degrees, one chord per bar, looped
    sevenths: bool
    lead: int  # General MIDI programs
    pad: int
    bass: int
    arp: int | None
    drums: str
    bass_style: str
    density: float
    arp_per_beat: int
    matched_words: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return key_name(self.tonic, self.scale)

    @property
    def beats(self) -> float:
        return self.duration * self.tempo / 60.0

    @property
    def bars(self) -> int:
        return max(1, math.ceil(self.beats / BEATS_PER_BAR - 1e-9))

    def summary(self) -> dict[str, Any]:
        """The plan as plain JSON, for the result's info and the task's output."""
        return {
            "mood": self.mood,
            "key": self.key,
            "scale": self.scale,
            "tempo": self.tempo,
            "time_signature": f"{BEATS_PER_BAR}/4",
            "bars": self.bars,
            "progression": [roman_numeral(self.scale, d) for d in self.progression],
            "instruments": {
                "melody": GM_NAMES.get(self.lead, f"program {self.lead}"),
                "pad": GM_NAMES.get(self.pad, f"program {self.pad}"),
                "bass": GM_NAMES.get(self.bass, f"program {self.bass}"),
                **({"arpeggio": GM_NAMES.get(self.arp, "")} if self.arp is not None else {}),
                "drums": self.drums,
            },
            "matched_words": list(self.matched_words),
            "seed": self.seed,
        }


def resolve_mood(mood: str) -> str:
    """A mood name (or a mood word such as 'energetic' or '悲伤') -> a known mood."""
    wanted = mood.strip().lower()
    if wanted in MOODS:
        return wanted
    found = find_terms(wanted, MOOD_WORDS)
    if found:
        return found[0].value
    raise ProviderError("unknown_mood", f"Unknown mood {mood!r}. Moods: {', '.join(MOODS)}.")


def validate(request: MusicRequest) -> None:
    if not math.isfinite(request.duration) or not (
        MIN_DURATION <= request.duration <= MAX_DURATION
    ):
        raise ProviderError(
            "invalid_duration",
            f"Music duration must be between {MIN_DURATION:g} and {MAX_DURATION:g} seconds "
            f"(got {request.duration}).",
        )
    if request.tempo is not None and not MIN_TEMPO <= request.tempo <= MAX_TEMPO:
        raise ProviderError(
            "invalid_tempo",
            f"Tempo must be between {MIN_TEMPO} and {MAX_TEMPO} BPM (got {request.tempo}).",
        )
    if request.seed is not None and not 0 <= request.seed <= MAX_SEED:
        raise ProviderError("invalid_seed", f"Seed must be between 0 and {MAX_SEED}.")
    if len(request.prompt) > MAX_PROMPT_CHARS:
        raise ProviderError(
            "prompt_too_long", f"The music prompt is limited to {MAX_PROMPT_CHARS} characters."
        )


def new_seed() -> int:
    return secrets.randbelow(2**31)


def make_plan(request: MusicRequest, seed: int) -> MusicPlan:
    """The same request and seed always give the same plan."""
    validate(request)
    hints = read_prompt(request.prompt)
    mood = resolve_mood(request.mood) if request.mood else hints.mood or DEFAULT_MOOD
    profile = MOODS[mood]
    rng = np.random.default_rng([seed, 0])

    def pick(options: tuple[Any, ...]) -> Any:
        return options[int(rng.integers(len(options)))]

    scale, progression = pick(profile.progressions)
    tonic: int = pick(profile.tonics)
    lead: int = pick(profile.leads)
    pad: int = pick(profile.pads)
    low, high = profile.tempo
    tempo = int(rng.integers(low, high + 1))
    if request.tempo is not None:
        tempo = int(request.tempo)
    else:
        tempo = int(np.clip(round(tempo * hints.tempo_factor), MIN_TEMPO, MAX_TEMPO))
    return MusicPlan(
        seed=seed,
        mood=mood,
        duration=float(request.duration),
        tonic=tonic,
        scale=scale,
        tempo=tempo,
        progression=progression,
        sevenths=profile.sevenths,
        lead=hints.lead if hints.lead is not None else lead,
        pad=hints.pad if hints.pad is not None else pad,
        bass=profile.bass,
        arp=profile.arp,
        drums=profile.drums,
        bass_style=profile.bass_style,
        density=profile.density,
        arp_per_beat=profile.arp_per_beat,
        matched_words=hints.matched,
    )
