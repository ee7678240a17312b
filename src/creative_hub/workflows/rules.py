"""Rules that keep a weak text model's script sensible: the idea's topic and length,
a line-quality check, and the template's own lines when the model's are unusable."""

from __future__ import annotations

import re

from creative_hub.workflows.templates import Template

# Piper's voice speaks about 2.5 words a second; a little air keeps scenes unhurried.
WORDS_PER_SECOND = 2.2

_DURATION = re.compile(r"(\d{1,3})\s*-?\s*(seconds?|secs?|s|minutes?|mins?)\b", re.I)
_LEAD = re.compile(
    r"^(an?|the)?\s*(\d{1,3}\s*-?\s*(seconds?|secs?|s|minutes?|mins?)\s*)?"
    r"(long\s+)?(short\s+)?(video|film|clip|ad|advert|story|music video)?\s*(about|on|of|for)?\s+",
    re.I,
)
_WORD = re.compile(r"[A-Za-z']+")


def planned_seconds(idea: str) -> float | None:
    """'a 30-second video' -> 30; '2 minute' -> 120; None when the idea names no length."""
    match = _DURATION.search(idea)
    if not match:
        return None
    value = float(match.group(1))
    return value * 60 if match.group(2).lower().startswith("m") else value


def topic_of(idea: str) -> str:
    """The subject of the idea without the 'a 30-second video about' framing."""
    topic = _LEAD.sub("", idea.strip().rstrip(".!?")).strip()
    return topic or idea.strip()


def rule_lines(template: Template, topic: str, scenes: int) -> list[str]:
    """One narration line per scene from the template's beats."""
    if scenes == 1:
        return [template.opening.format(topic=topic)]
    middles = [
        template.middle[i % len(template.middle)].format(topic=topic) for i in range(scenes - 2)
    ]
    return [template.opening.format(topic=topic), *middles, template.closing.format(topic=topic)]


def beat_for(template: Template, index: int, scenes: int) -> str:
    """What scene `index` of `scenes` is about: the first and last beats are fixed."""
    if index == 0:
        return template.beats[0]
    if index == scenes - 1:
        return template.beats[-1]
    middle = template.beats[1:-1] or template.beats
    return middle[(index - 1) % len(middle)]


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def whole_sentences(text: str) -> str:
    """Cut a line the model stopped mid-sentence back to its last full stop."""
    text = " ".join(text.split())
    end = max(text.rfind("."), text.rfind("!"), text.rfind("?"))
    return text[: end + 1] if end > 0 else ""


def _similar(a: list[str], b: list[str]) -> bool:
    sa, sb = set(a), set(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) > 0.5


def usable_line(line: str, target_words: int, accepted: list[str]) -> str | None:
    """The model's line, trimmed, when it reads like narration; otherwise None."""
    line = whole_sentences(line)
    found = words(line)
    if not (max(4, target_words * 0.3) <= len(found) <= max(12, target_words * 1.5)):
        return None
    if not line.isascii() or len(set(found)) < 0.6 * len(found):
        return None  # repetition loops are SmolLM2's usual failure
    if any(_similar(found, words(other)) for other in accepted):
        return None
    return line
