"""The embedded speech engine, on real audio: Piper (joe) and espeak-ng as installed here."""

from __future__ import annotations

import asyncio
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from creative_hub.providers.base import AudioResult, ProviderError, SpeechRequest
from creative_hub.providers.local.audio_io import read_wav, rms_dbfs
from creative_hub.providers.local.media_probe import probe
from creative_hub.providers.local.speech import LocalSpeechSynthesizer
from creative_hub.providers.local.speech.sentences import guess_language, split_sentences
from creative_hub.settings import Settings

SENTENCES = [
    "The morning train left the station on time.",
    "Passengers read quietly while the city slipped away!",
    "Would anyone notice the missing suitcase?",
]
TEXT = " ".join(SENTENCES)


@pytest.fixture(scope="module")
def synth() -> LocalSpeechSynthesizer:
    return LocalSpeechSynthesizer(Settings(environment="test"))


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
async def english(synth: LocalSpeechSynthesizer, out_dir: Path) -> AudioResult:
    return await synth.synthesize(SpeechRequest(TEXT), out_dir)


def files_in(folder: Path) -> list[Path]:
    return list(folder.iterdir())


def window_dbfs(samples: np.ndarray, rate: int, start: float, end: float) -> float:
    return rms_dbfs(samples[round(start * rate) : round(end * rate)])


async def test_english_wav_matches_result_and_is_speech(english: AudioResult) -> None:
    samples, rate = read_wav(english.path)
    assert rate == english.sample_rate == 22050
    assert len(samples) / rate == pytest.approx(english.duration, abs=1e-9)
    assert probe(english.path).duration == pytest.approx(english.duration, abs=0.01)
    assert 5.0 < english.duration < 12.0  # three short sentences
    assert rms_dbfs(samples) > -30.0
    assert english.info["engine"] == "piper"
    assert english.info["neural"] is True
    assert english.info["voice"] == "en_US-joe-medium"


async def test_segments_are_the_sentences_and_follow_the_audio(english: AudioResult) -> None:
    segments = english.segments
    assert [s.text for s in segments] == SENTENCES
    assert segments[0].start == 0.0
    assert segments[-1].end == pytest.approx(english.duration, abs=1e-6)
    samples, rate = read_wav(english.path)
    for current, following in itertools.pairwise(segments):
        assert current.start < current.end <= following.start
        gap = following.start - current.end
        assert 0.2 <= gap <= 0.7
        # The gap between sentences is silence; the sentences are not.
        assert window_dbfs(samples, rate, current.end, following.start) < -60.0
    for segment in segments:
        assert window_dbfs(samples, rate, segment.start, segment.end) > -30.0
        # About 12-20 characters a second is how fast people speak.
        chars_per_second = len(segment.text) / (segment.end - segment.start)
        assert 8.0 < chars_per_second < 30.0


async def test_faster_speed_gives_shorter_audio(
    synth: LocalSpeechSynthesizer, out_dir: Path, english: AudioResult
) -> None:
    fast = await synth.synthesize(SpeechRequest(TEXT, speed=1.5), out_dir)
    ratio = fast.duration / english.duration
    assert 0.55 < ratio < 0.85, ratio  # 1/1.5 = 0.67, plus Piper's natural variation
    assert [s.text for s in fast.segments] == SENTENCES
    samples, _ = read_wav(fast.path)
    assert rms_dbfs(samples) > -30.0


async def test_progress_is_reported_up_to_done(
    synth: LocalSpeechSynthesizer, out_dir: Path
) -> None:
    seen: list[float] = []

    async def progress(fraction: float, _message: str | None) -> None:
        seen.append(fraction)

    await synth.synthesize(SpeechRequest("One. Two. Three."), out_dir, progress)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen) and len(seen) >= 4


async def test_chinese_text_is_spoken_by_espeak_and_labelled(
    synth: LocalSpeechSynthesizer, out_dir: Path
) -> None:
    result = await synth.synthesize(SpeechRequest("你好，世界。今天天气很好！"), out_dir)
    assert result.info["engine"] == "espeak-ng"
    assert result.info["voice"] == "espeak-ng:cmn"
    assert result.info["neural"] is False
    assert "not neural" in result.info["label"]
    samples, rate = read_wav(result.path)
    assert len(samples) / rate == pytest.approx(result.duration, abs=1e-9)
    assert result.duration > 1.0
    assert rms_dbfs(samples) > -30.0
    assert [s.text for s in result.segments] == ["你好，世界。", "今天天气很好！"]
    assert result.segments[-1].end == pytest.approx(result.duration, abs=1e-6)


async def test_language_and_voice_choose_the_engine(
    synth: LocalSpeechSynthesizer, out_dir: Path
) -> None:
    catalogue = synth.catalogue
    assert catalogue.resolve(None, "en-GB", "Hello").engine == "piper"
    assert catalogue.resolve(None, "fr", "Bonjour").voice.id == "espeak-ng:fr-fr"
    assert catalogue.resolve(None, "zh-HK", "你好").voice.id == "espeak-ng:yue"
    assert catalogue.resolve("cmn", None, "Hello").voice.id == "espeak-ng:cmn"
    slow_german = await synth.synthesize(
        SpeechRequest("Guten Morgen. Wie geht es dir?", language="de", speed=0.75), out_dir
    )
    assert slow_german.info["voice"] == "espeak-ng:de"
    assert len(slow_german.segments) == 2


def test_voices_list_piper_and_espeak(synth: LocalSpeechSynthesizer) -> None:
    voices = {v.id: v for v in synth.voices()}
    joe = voices["en_US-joe-medium"]
    assert joe.neural and joe.language == "en-US"
    mandarin = voices["espeak-ng:cmn"]
    assert not mandarin.neural and mandarin.language == "zh-CN"
    assert mandarin.label == "espeak-ng (formant synthesis, not neural)"
    info = synth.describe()
    assert info.available and info.neural
    assert info.supports["espeak_ng_installed"] is True
    assert {m.id for m in info.models} == set(voices)


@pytest.mark.parametrize(
    ("request_", "code"),
    [
        (SpeechRequest(""), "empty_text"),
        (SpeechRequest("   \n "), "empty_text"),
        (SpeechRequest("... !!! ---"), "empty_text"),
        (SpeechRequest("word " * 1001), "text_too_long"),
        (SpeechRequest("Hello.", speed=0.4), "invalid_speed"),
        (SpeechRequest("Hello.", speed=2.1), "invalid_speed"),
        (SpeechRequest("Hello.", speed=math.nan), "invalid_speed"),
        (SpeechRequest("Hello.", voice="nobody"), "unknown_voice"),
        (SpeechRequest("Hello.", voice="espeak-ng:cmn", language="en"), "voice_language_mismatch"),
        (SpeechRequest("Hello.", language="xx"), "language_unsupported"),
    ],
)
async def test_bad_requests_are_refused(
    synth: LocalSpeechSynthesizer, tmp_path: Path, request_: SpeechRequest, code: str
) -> None:
    with pytest.raises(ProviderError) as caught:
        await synth.synthesize(request_, tmp_path)
    assert caught.value.code == code
    assert caught.value.message
    assert files_in(tmp_path) == []


async def test_without_espeak_other_languages_say_to_install_it(tmp_path: Path) -> None:
    synth = LocalSpeechSynthesizer(
        Settings(environment="test"), espeak_binary=str(tmp_path / "no-espeak-ng")
    )
    with pytest.raises(ProviderError) as caught:
        await synth.synthesize(SpeechRequest("你好，世界。"), tmp_path)
    assert caught.value.code == "voice_unavailable"
    assert "install" in caught.value.message and "espeak-ng" in caught.value.message
    info = synth.describe()
    assert info.supports["espeak_ng_installed"] is False
    assert any("apt-get install espeak-ng" in note for note in info.supports["notes"])
    assert all("not installed" in v.label for v in synth.voices() if not v.neural)


async def test_missing_piper_voice_is_reported_and_espeak_still_works(tmp_path: Path) -> None:
    synth = LocalSpeechSynthesizer(
        Settings(environment="test", piper_voice_path=str(tmp_path / "absent.onnx"))
    )
    info = synth.describe()
    assert not info.neural and info.available
    assert "absent.onnx" in info.supports["notes"][0]
    with pytest.raises(ProviderError) as caught:
        await synth.synthesize(SpeechRequest("Hello there."), tmp_path)
    assert caught.value.code == "voice_unavailable"
    assert "absent.onnx" in caught.value.message
    result = await synth.synthesize(SpeechRequest("你好。"), tmp_path)
    assert result.info["engine"] == "espeak-ng"


async def test_cancelling_stops_and_leaves_no_file(
    synth: LocalSpeechSynthesizer, tmp_path: Path
) -> None:
    started = asyncio.Event()

    async def progress(fraction: float, _message: str | None) -> None:
        if fraction > 0:
            started.set()

    text = " ".join(f"This is sentence number {n} of a long story." for n in range(40))
    task = asyncio.create_task(synth.synthesize(SpeechRequest(text), tmp_path, progress))
    await asyncio.wait_for(started.wait(), timeout=30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The engine slot is free again: a new request goes through.
    async with asyncio.timeout(10):
        async with synth._piper.slots:  # type: ignore[union-attr]
            pass
    assert files_in(tmp_path) == []


def test_sentence_splitting() -> None:
    texts = [s.text for s in split_sentences("Dr. Smith paid $3.50, e.g. cash. Fine! Ok?")]
    assert texts == ["Dr. Smith paid $3.50, e.g. cash.", "Fine!", "Ok?"]
    assert [s.text for s in split_sentences("你好。我很好!谢谢")] == ["你好。", "我很好!", "谢谢"]
    lines = split_sentences("Title\n\nFirst line\nSecond line")
    assert [s.text for s in lines] == ["Title", "First line", "Second line"]
    assert lines[0].pause > lines[1].pause  # a paragraph break pauses longer than a line
    long = split_sentences("word, " * 100, max_chars=120)
    assert len(long) > 1 and all(len(s.text) <= 120 for s in long)
    assert guess_language("今天天气很好 OK") == "zh"
    assert guess_language("こんにちは世界") == "ja"
    assert guess_language("Hello 世界") is None
