"""Text -> sentences to speak one at a time (their timings become subtitle cues).

Splits on sentence punctuation in Latin scripts (followed by a space or the end) and in
CJK (。！？ need no space), on line breaks, and cuts over-long sentences at clause
punctuation so no single synthesis call (or subtitle cue) runs on for minutes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Pauses after a piece, in seconds at speed 1.0 (divided by the speed when assembled).
CLAUSE_PAUSE = 0.15
SENTENCE_PAUSE = 0.3
PARAGRAPH_PAUSE = 0.6

# Words ending in a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "vs", "etc", "e.g", "i.e", "no"}
    | {"fig", "approx", "dept", "inc", "ltd", "co", "mt"}
)
_CLOSERS = "\"'”’)]}»」』）】"
_LATIN_END = re.compile(rf"[.!?…]+[{re.escape(_CLOSERS)}]*(?=\s|$)")
# Full-width marks need no space after them; ASCII ones do not either after a CJK character.
_CJK_END = re.compile(
    rf"(?:[。！？]+|(?<=[\u3040-\u9fff\uac00-\ud7af])[.!?…]+)[{re.escape(_CLOSERS)}]*"
)
_CLAUSE = re.compile(r"[,;:，；：、—]\s*")
_SPEAKABLE = re.compile(r"\w")

_CJK_RANGES = (
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3400, 0x4DBF),  # Han extension A
    (0x4E00, 0x9FFF),  # Han
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # Han compatibility
    (0x20000, 0x2FA1F),  # Han extensions B-F
)


@dataclass(frozen=True)
class Sentence:
    text: str
    # Silence after it, in seconds at speed 1.0.
    pause: float


def split_sentences(text: str, max_chars: int = 250) -> list[Sentence]:
    """Sentences with the pause that follows each; pieces with nothing speakable are dropped."""
    sentences: list[Sentence] = []
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    for paragraph in paragraphs:
        lines = [line.strip() for line in paragraph.split("\n")]
        for line in filter(None, lines):
            for sentence in _split_line(line):
                pieces = [p for p in _cut_long(sentence, max_chars) if _SPEAKABLE.search(p)]
                sentences.extend(Sentence(piece, CLAUSE_PAUSE) for piece in pieces)
                if pieces:
                    sentences[-1] = Sentence(sentences[-1].text, SENTENCE_PAUSE)
        if sentences:
            sentences[-1] = Sentence(sentences[-1].text, PARAGRAPH_PAUSE)
    return sentences


def _split_line(line: str) -> list[str]:
    ends: list[int] = []
    for match in _LATIN_END.finditer(line):
        if match.group().startswith(".") and _is_abbreviation(line[: match.start()]):
            continue
        ends.append(match.end())
    ends.extend(m.end() for m in _CJK_END.finditer(line))
    pieces: list[str] = []
    start = 0
    for end in sorted(set(ends)):
        if end > start:
            pieces.append(line[start:end].strip())
            start = end
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


def _is_abbreviation(before: str) -> bool:
    word = before.rsplit(maxsplit=1)[-1] if before.strip() else ""
    word = word.lstrip(_CLOSERS + "(").lower()
    # Single-letter initials ("J. Smith") and known abbreviations.
    return (len(word) == 1 and word.isalpha()) or word in _ABBREVIATIONS


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    """Cut at the last clause mark (else space, else anywhere) before max_chars."""
    pieces: list[str] = []
    rest = sentence
    while len(rest) > max_chars:
        window = rest[:max_chars]
        cuts = [m.end() for m in _CLAUSE.finditer(window) if m.end() > max_chars // 3]
        if not cuts:
            space = window.rfind(" ")
            cuts = [space + 1] if space > max_chars // 3 else [max_chars]
        cut = cuts[-1]
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def guess_language(text: str) -> str | None:
    """'zh', 'ja' or 'ko' when most letters are CJK; None otherwise (the default voice)."""
    letters = [c for c in text if c.isalnum()]
    cjk = [c for c in letters if is_cjk(c)]
    if not letters or len(cjk) * 2 < len(letters):
        return None
    kana = sum(1 for c in cjk if 0x3040 <= ord(c) <= 0x30FF)
    hangul = sum(1 for c in cjk if 0xAC00 <= ord(c) <= 0xD7AF)
    if kana:
        return "ja"
    if hangul * 2 >= len(cjk):
        return "ko"
    return "zh"
