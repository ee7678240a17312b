"""How a prompt's words (English or Simplified Chinese) choose mood, instruments and pace."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from creative_hub.providers.local.music.words import find_terms

T = TypeVar("T")


def _terms(words: str, value: T) -> dict[str, T]:
    """'a|b c|d' -> {'a': value, 'b c': value, 'd': value} (terms separated by '|')."""
    return dict.fromkeys((w.strip() for w in words.split("|")), value)


MOOD_WORDS: dict[str, str] = {
    **_terms(
        "happy|joyful|cheerful|bright|sunny|fun|playful|uplifting|欢快|快乐|开心|愉快|欢乐|阳光",
        "happy",
    ),
    **_terms(
        "sad|melancholy|melancholic|sorrow|sorrowful|tragic|lonely|grief|"
        "悲伤|伤感|忧伤|难过|悲哀|孤独",
        "sad",
    ),
    **_terms(
        "calm|peaceful|relaxing|relaxed|ambient|gentle|serene|meditation|soothing|"
        "平静|安静|放松|宁静|舒缓|冥想",
        "calm",
    ),
    **_terms(
        "epic|heroic|cinematic|trailer|battle|triumphant|majestic|orchestral|"
        "史诗|英雄|壮丽|宏大|激昂|战斗",
        "epic",
    ),
    **_terms(
        "tense|tension|suspense|suspenseful|thriller|horror|scary|danger|chase|"
        "紧张|悬疑|恐怖|惊悚|危险",
        "tense",
    ),
    **_terms("romantic|romance|love|tender|wedding|浪漫|爱情|温柔|婚礼", "romantic"),
    **_terms(
        "upbeat|energetic|energy|dance|party|workout|driving|exciting|"
        "动感|活力|激情|派对|运动|热烈",
        "upbeat",
    ),
    **_terms(
        "mysterious|mystery|dark|magical|magic|fantasy|eerie|enchanted|神秘|黑暗|奇幻|魔法|梦幻",
        "mysterious",
    ),
    **_terms("chill|chillout|lofi|lo-fi|jazzy|jazz|cozy|coffee|study|慵懒|爵士|咖啡|学习", "chill"),
}

# Prompt words -> (part, General MIDI program): the melody ("lead") or the pad.
INSTRUMENT_WORDS: dict[str, tuple[str, int]] = {
    **_terms("piano|钢琴", ("lead", 0)),
    **_terms("electric piano|rhodes|电钢琴", ("lead", 4)),
    **_terms("guitar|acoustic guitar|吉他", ("lead", 24)),
    **_terms("electric guitar|电吉他", ("lead", 27)),
    **_terms("violin|小提琴", ("lead", 40)),
    **_terms("cello|大提琴", ("lead", 42)),
    **_terms("flute|长笛|笛子", ("lead", 73)),
    **_terms("harp|竖琴", ("lead", 46)),
    **_terms("music box|八音盒", ("lead", 10)),
    **_terms("bell|glockenspiel|铃", ("lead", 9)),
    **_terms("marimba|马林巴", ("lead", 12)),
    **_terms("trumpet|小号", ("lead", 56)),
    **_terms("brass|horn|铜管|圆号", ("lead", 61)),
    **_terms("synth|synthesizer|electronic|合成器|电子", ("lead", 80)),
    **_terms("organ|风琴", ("pad", 16)),
    **_terms("strings|弦乐", ("pad", 48)),
    **_terms("choir|合唱", ("pad", 52)),
}

# Prompt words -> tempo factor applied to the mood's tempo.
TEMPO_WORDS: dict[str, float] = {
    **_terms("slow|slowly|慢|缓慢|慢节奏", 0.85),
    **_terms("fast|quick|rapid|快节奏|急促", 1.15),
}


@dataclass(frozen=True)
class PromptHints:
    mood: str | None
    lead: int | None
    pad: int | None
    tempo_factor: float
    matched: tuple[str, ...]


def read_prompt(prompt: str) -> PromptHints:
    """The mood (most mentioned; first mentioned on a tie), instruments and pace asked for."""
    moods = find_terms(prompt, MOOD_WORDS)
    instruments = find_terms(prompt, INSTRUMENT_WORDS)
    tempo = find_terms(prompt, TEMPO_WORDS)
    mood: str | None = None
    if moods:
        counts: dict[str, int] = {}
        for f in moods:
            counts[f.value] = counts.get(f.value, 0) + 1
        best = max(counts.values())
        mood = next(f.value for f in moods if counts[f.value] == best)
    lead = next((f.value[1] for f in instruments if f.value[0] == "lead"), None)
    pad = next((f.value[1] for f in instruments if f.value[0] == "pad"), None)
    spans = [(f.start, f.term) for f in moods] + [(f.start, f.term) for f in instruments]
    terms = tuple(term for _, term in sorted(spans + [(f.start, f.term) for f in tempo]))
    return PromptHints(mood, lead, pad, tempo[0].value if tempo else 1.0, terms)
