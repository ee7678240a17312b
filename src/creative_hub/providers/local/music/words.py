"""Find known words in a free-text prompt (English words and Chinese phrases).

Shared by the composer (moods, instruments) and the sound-effect catalogue.
Longer terms win over the shorter terms they contain ("暴风雨" before "雨",
"ocean waves" before "waves"), and English terms match whole words with an
optional plural ("wave" matches "waves").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    start: int
    term: str
    value: T


def _pattern(term: str) -> re.Pattern[str]:
    if term.isascii():
        words = r"[\s_-]+".join(re.escape(w) for w in re.split(r"[\s_-]+", term))
        return re.compile(rf"(?<![a-z0-9]){words}(?:s|es)?(?![a-z0-9])")
    return re.compile(re.escape(term))


def find_terms(text: str, vocabulary: Mapping[str, T]) -> list[Found[T]]:
    """Every vocabulary term in `text` (case-insensitive), non-overlapping, in text order."""
    lowered = text.lower()
    taken: list[tuple[int, int]] = []
    found: list[Found[T]] = []
    for term in sorted(vocabulary, key=len, reverse=True):
        for match in _pattern(term.lower()).finditer(lowered):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append(Found(start, term, vocabulary[term]))
    return sorted(found, key=lambda f: f.start)
