"""SRT and WebVTT writers and parsers, and the cue splitter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creative_hub.providers.base import ProviderError, SpeechRequest, TimedText
from creative_hub.providers.local.speech import LocalSpeechSynthesizer
from creative_hub.providers.local.subtitles import (
    display_width,
    format_timestamp,
    parse_srt,
    parse_vtt,
    split_cues,
    to_srt,
    to_vtt,
    wrap_text,
    write_srt,
    write_vtt,
)
from creative_hub.settings import Settings

CUES = [
    TimedText(0.0, 1.5, "Hello, world."),
    TimedText(1.75, 4.2, "Two lines\nof <text> & more"),
    TimedText(3725.004, 3727.999, "你好，世界。"),
]


def test_timestamp_formats() -> None:
    assert format_timestamp(1.5) == "00:00:01,500"
    assert format_timestamp(1.5, vtt=True) == "00:00:01.500"
    assert format_timestamp(3725.0041) == "01:02:05,004"
    assert format_timestamp(59.9996) == "00:01:00,000"  # rounds up across the minute


def test_srt_layout_and_round_trip(tmp_path: Path) -> None:
    path = write_srt(tmp_path / "a.srt", CUES)
    content = path.read_text(encoding="utf-8")
    blocks = content.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[0] == "1\n00:00:00,000 --> 00:00:01,500\nHello, world."
    assert blocks[2].startswith("3\n01:02:05,004 --> 01:02:07,999\n")
    assert re.search(r"\d\.\d{3}", content) is None  # SRT uses commas, not dots
    assert parse_srt(content) == CUES


def test_vtt_layout_and_round_trip(tmp_path: Path) -> None:
    path = write_vtt(tmp_path / "a.vtt", CUES)
    content = path.read_text(encoding="utf-8")
    assert content.startswith("WEBVTT\n\n")
    assert "00:00:01.750 --> 00:00:04.200\nTwo lines\nof &lt;text&gt; &amp; more\n" in content
    assert re.search(r"\d,\d{3}", content) is None
    assert parse_vtt(content) == CUES


def test_parsers_accept_common_variants() -> None:
    srt = (
        "\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\nA\r\n\r\n"
        "2\r\n00:00:03.000 --> 00:00:04,000\r\nB\r\n"
    )
    assert parse_srt(srt) == [TimedText(1.0, 2.5, "A"), TimedText(3.0, 4.0, "B")]
    vtt = (
        "WEBVTT - a title\n\nNOTE a comment\n\nSTYLE\n::cue { color: red }\n\n"
        "intro\n00:01.000 --> 00:02.000 align:start line:0\nHi &amp; bye\n"
    )
    assert parse_vtt(vtt) == [TimedText(1.0, 2.0, "Hi & bye")]


@pytest.mark.parametrize(
    ("parser", "content"),
    [
        (parse_srt, "1\n00:00:01 --> 00:00:02\nNo milliseconds\n"),
        (parse_srt, "1\n00:00:05,000 --> 00:00:01,000\nBackwards\n"),
        (parse_vtt, "00:00:01.000 --> 00:00:02.000\nNo header\n"),
        (parse_vtt, "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nSRT commas\n"),
        (parse_vtt, "WEBVTT\n\n00:00:01.000 --> 00:00:61.000\nBad seconds\n"),
    ],
)
def test_invalid_files_are_refused(parser: object, content: str) -> None:
    with pytest.raises(ProviderError) as caught:
        parser(content)  # type: ignore[operator]
    assert caught.value.code == "invalid_subtitles"


@pytest.mark.parametrize(
    "cue", [TimedText(2.0, 1.0, "backwards"), TimedText(-1.0, 1.0, "negative")]
)
def test_writers_refuse_impossible_cues(cue: TimedText) -> None:
    for writer in (to_srt, to_vtt):
        with pytest.raises(ProviderError) as caught:
            writer([cue])
        assert caught.value.code == "invalid_subtitles"


def test_writers_sort_cues_and_drop_blank_lines() -> None:
    cues = [
        TimedText(5, 6, "later"),
        TimedText(1, 2, "first\n\n  second line "),
        TimedText(3, 4, " "),
    ]
    assert parse_srt(to_srt(cues)) == [
        TimedText(1, 2, "first\nsecond line"),
        TimedText(5, 6, "later"),
    ]


def test_wrap_text_latin_and_cjk() -> None:
    lines = wrap_text("The old lighthouse keeper climbed the stairs every evening at sunset.", 30)
    assert all(display_width(line) <= 30 for line in lines)
    assert (
        " ".join(lines) == "The old lighthouse keeper climbed the stairs every evening at sunset."
    )
    chinese = wrap_text("今天天气很好，我们去公园散步吧！然后去吃饭。", 16)
    assert all(display_width(line) <= 16 for line in chinese)
    assert "".join(chinese) == "今天天气很好，我们去公园散步吧！然后去吃饭。"
    assert not any(line.startswith(("，", "！", "。")) for line in chinese)
    assert wrap_text("x" * 50, 20) == ["x" * 20, "x" * 20, "x" * 10]


def test_split_cues_keeps_time_and_text() -> None:
    text = (
        "The old lighthouse keeper climbed the stairs every evening at sunset, "
        "lit the lamp and watched the ships pass by until morning came."
    )
    cues = split_cues([TimedText(2.0, 12.0, text), TimedText(12.5, 13.0, "Short.")], 42, 2)
    assert len(cues) == 3
    assert (
        cues[0].start == 2.0 and cues[1].end == 12.0 and cues[2] == TimedText(12.5, 13.0, "Short.")
    )
    assert cues[0].end == cues[1].start
    assert 2.0 < cues[0].end < 12.0
    for cue in cues:
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(display_width(line) <= 42 for line in lines)
    joined = " ".join(cue.text.replace("\n", " ") for cue in cues[:2])
    assert joined == text


async def test_speech_segments_become_subtitles(tmp_path: Path) -> None:
    synth = LocalSpeechSynthesizer(Settings(environment="test"))
    result = await synth.synthesize(SpeechRequest("你好。今天天气很好！", voice="cmn"), tmp_path)
    srt = write_srt(tmp_path / "speech.srt", split_cues(result.segments))
    parsed = parse_srt(srt.read_text(encoding="utf-8"))
    assert [c.text for c in parsed] == ["你好。", "今天天气很好！"]
    for cue, segment in zip(parsed, result.segments, strict=True):
        assert cue.start == pytest.approx(segment.start, abs=0.0005)
        assert cue.end == pytest.approx(segment.end, abs=0.0005)
