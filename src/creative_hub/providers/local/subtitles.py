"""Subtitles: SRT and WebVTT from timed text (and back), and long cues cut into readable ones.

Used by the video engine (sidecars, burned-in subtitles) and the API (transcripts, uploads).
Bad input raises ProviderError("invalid_subtitles", ...) naming the cue at fault.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from creative_hub.providers.base import ProviderError, TimedText

_SRT_TIME = r"(\d+):(\d{2}):(\d{2})[,.](\d{3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}")
_VTT_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}(?:[ \t].*)?$")
# A word (with its punctuation), or one wide character with the punctuation that must
# stay on its line, or a run of spaces.
_WIDE = "\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_CJK_PUNCT = re.escape("，。！？、；：」』）》〉】…,.!?;:)\"'”’")
_UNITS = re.compile(rf"\s+|[{_WIDE}][{_CJK_PUNCT}]*|[^\s{_WIDE}]+")


# -- writing ---------------------------------------------------------------------------


def format_timestamp(seconds: float, *, vtt: bool = False) -> str:
    """00:00:01,500 (SRT) or 00:00:01.500 (WebVTT), rounded to the millisecond."""
    total_ms = round(seconds * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{'.' if vtt else ','}{ms:03d}"


def to_srt(cues: Iterable[TimedText]) -> str:
    blocks = []
    for index, cue in enumerate(_checked(cues), start=1):
        timing = f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}"
        # "-->" inside the text would read as a timing line to lenient players.
        blocks.append(f"{index}\n{timing}\n{cue.text.replace('-->', '->')}\n")
    return "\n".join(blocks)


def to_vtt(cues: Iterable[TimedText]) -> str:
    blocks = ["WEBVTT\n"]
    for cue in _checked(cues):
        timing = (
            f"{format_timestamp(cue.start, vtt=True)} --> {format_timestamp(cue.end, vtt=True)}"
        )
        # Cue text is HTML-like: &, < and > must be escaped (this also defuses "-->").
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{timing}\n{text}\n")
    return "\n".join(blocks)


def write_srt(path: Path, cues: Iterable[TimedText]) -> Path:
    path.write_text(to_srt(cues), encoding="utf-8")
    return path


def write_vtt(path: Path, cues: Iterable[TimedText]) -> Path:
    path.write_text(to_vtt(cues), encoding="utf-8")
    return path


def _checked(cues: Iterable[TimedText]) -> list[TimedText]:
    """Cues sorted by start, text trimmed (no blank lines: they end a cue), empty ones dropped."""
    result = []
    for number, cue in enumerate(cues, start=1):
        if not (0 <= cue.start < cue.end):  # also refuses NaN
            raise ProviderError(
                "invalid_subtitles",
                f"Cue {number} runs from {cue.start} to {cue.end} s; it needs 0 <= start < end.",
            )
        text = "\n".join(line.strip() for line in cue.text.strip().splitlines() if line.strip())
        if text:
            result.append(TimedText(cue.start, cue.end, text))
    return sorted(result, key=lambda c: (c.start, c.end))


# -- reading ---------------------------------------------------------------------------


def parse_srt(content: str) -> list[TimedText]:
    cues = []
    for number, block in enumerate(_blocks(content), start=1):
        lines = block.split("\n")
        if lines[0].strip().isdigit() and len(lines) > 1:
            lines = lines[1:]
        match = _SRT_TIMING.match(lines[0])
        if not match:
            raise ProviderError(
                "invalid_subtitles",
                f"SRT block {number}: expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm', got {lines[0]!r}.",
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        cues.append(_cue(number, start, end, "\n".join(lines[1:])))
    return cues


def parse_vtt(content: str) -> list[TimedText]:
    blocks = _blocks(content)
    if not blocks or not re.match(r"WEBVTT(?:[ \t].*)?$", blocks[0].split("\n")[0]):
        raise ProviderError("invalid_subtitles", "A WebVTT file must start with 'WEBVTT'.")
    cues = []
    for number, block in enumerate(blocks[1:], start=1):
        lines = block.split("\n")
        if re.match(r"(NOTE|STYLE|REGION)(\s|$)", lines[0]):
            continue
        if "-->" not in lines[0] and len(lines) > 1:  # an optional cue identifier
            lines = lines[1:]
        match = _VTT_TIMING.match(lines[0])
        if not match:
            raise ProviderError(
                "invalid_subtitles",
                f"WebVTT block {number}: expected 'HH:MM:SS.mmm --> HH:MM:SS.mmm', "
                f"got {lines[0]!r}.",
            )
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        cues.append(_cue(number, start, end, html.unescape("\n".join(lines[1:]))))
    return cues


def _blocks(content: str) -> list[str]:
    text = content.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text) if b.strip()]


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    if int(minutes) > 59 or int(seconds) > 59:
        raise ProviderError("invalid_subtitles", f"Bad timestamp {minutes}:{seconds}.")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _cue(number: int, start: float, end: float, text: str) -> TimedText:
    if end < start:
        raise ProviderError("invalid_subtitles", f"Cue {number} ends before it starts.")
    return TimedText(start, end, text)


# -- readable cues ----------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns on screen: CJK and other wide characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_text(text: str, max_width: int = 42) -> list[str]:
    """Greedy wrap at spaces (or between CJK characters) to lines of at most max_width
    columns; a single word wider than that is cut."""
    lines: list[str] = []
    line, pending_space = "", False
    for unit in _UNITS.findall(" ".join(text.split())):
        if unit.isspace():
            pending_space = bool(line)
            continue
        candidate = f"{line}{' ' if pending_space else ''}{unit}"
        if display_width(candidate) <= max_width:
            line, pending_space = candidate, False
            continue
        if line:
            lines.append(line)
        line, pending_space = "", False
        while display_width(unit) > max_width:  # a word longer than a line
            cut = _fit(unit, max_width)
            lines.append(unit[:cut])
            unit = unit[cut:]
        line = unit
    if line:
        lines.append(line)
    return lines


def split_cues(
    cues: Sequence[TimedText], max_width: int = 42, max_lines: int = 2
) -> list[TimedText]:
    """Cues of at most `max_lines` lines of `max_width` columns (lines joined by a newline).
    A long cue becomes several, its time shared in proportion to their text."""
    result: list[TimedText] = []
    for cue in cues:
        lines = wrap_text(cue.text, max_width)
        if not lines:
            continue
        groups = [lines[i : i + max_lines] for i in range(0, len(lines), max_lines)]
        weights = [sum(display_width(line) for line in group) for group in groups]
        total = sum(weights)
        start = cue.start
        for index, (group, weight) in enumerate(zip(groups, weights, strict=True)):
            last = index == len(groups) - 1
            end = cue.end if last else start + (cue.end - cue.start) * weight / total
            result.append(TimedText(start, end, "\n".join(group)))
            start = end
    return result


def _fit(word: str, max_width: int) -> int:
    width = 0
    for index, char in enumerate(word):
        width += display_width(char)
        if width > max_width:
            return max(1, index)
    return len(word)
