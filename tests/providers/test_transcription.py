"""The embedded transcription engine (faster-whisper, tiny.en) on real speech from Piper."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest

from creative_hub.providers.base import AudioResult, ProviderError, SpeechRequest
from creative_hub.providers.local.audio_io import write_wav
from creative_hub.providers.local.speech import LocalSpeechSynthesizer
from creative_hub.providers.local.whisper import LocalTranscriber
from creative_hub.settings import Settings

SPOKEN = (
    "The quick brown fox jumps over the lazy dog. "
    "We walked along the river to the old stone bridge."
)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word-level Levenshtein distance / reference length, ignoring case and punctuation."""
    ref, hyp = _words(reference), _words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
            )
        previous = current
    return previous[-1] / len(ref)


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def test_word_error_rate() -> None:
    assert word_error_rate("a b c d", "a b c d") == 0.0
    assert word_error_rate("a b c d", "a x c") == 0.5  # one substitution, one deletion
    assert word_error_rate("Hello, world!", "hello world") == 0.0


@pytest.fixture(scope="module")
def transcriber() -> LocalTranscriber:
    return LocalTranscriber(Settings(environment="test"))


@pytest.fixture(scope="module")
async def speech(tmp_path_factory: pytest.TempPathFactory) -> AudioResult:
    synth = LocalSpeechSynthesizer(Settings(environment="test"))
    return await synth.synthesize(SpeechRequest(SPOKEN), tmp_path_factory.mktemp("speech"))


async def test_round_trip_recovers_the_sentence(
    transcriber: LocalTranscriber, speech: AudioResult
) -> None:
    seen: list[float] = []

    async def progress(fraction: float, _message: str | None) -> None:
        seen.append(fraction)

    transcript = await transcriber.transcribe(speech.path, "en", progress)
    assert word_error_rate(SPOKEN, transcript.text) <= 0.2, transcript.text
    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(speech.duration, abs=0.05)
    segments = transcript.segments
    assert segments
    for segment in segments:
        assert 0.0 <= segment.start < segment.end <= transcript.duration
    for current, following in itertools.pairwise(segments):
        assert current.end <= following.start + 1e-6
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.fixture
def mp3(speech: AudioResult, tmp_path: Path) -> Path:
    path = tmp_path / "speech.mp3"
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(speech.path), str(path)]
    subprocess.run(command, check=True)  # noqa: S603 (our own ffmpeg and paths)
    return path


async def test_mp3_is_accepted(transcriber: LocalTranscriber, mp3: Path) -> None:
    transcript = await transcriber.transcribe(mp3, "en-US")
    assert word_error_rate(SPOKEN, transcript.text) <= 0.2, transcript.text


async def test_silence_gives_no_segments(transcriber: LocalTranscriber, tmp_path: Path) -> None:
    silent = tmp_path / "silence.wav"
    write_wav(silent, np.zeros(3 * 16000, dtype=np.float32), 16000)
    transcript = await transcriber.transcribe(silent)
    assert transcript.segments == ()
    assert transcript.duration == pytest.approx(3.0, abs=0.01)


async def test_english_only_model_refuses_other_languages(
    transcriber: LocalTranscriber, speech: AudioResult
) -> None:
    with pytest.raises(ProviderError) as caught:
        await transcriber.transcribe(speech.path, "zh")
    assert caught.value.code == "language_unsupported"
    assert "tiny.en" in caught.value.message and "Available: en" in caught.value.message


@pytest.mark.parametrize(
    ("content", "code", "advice"),
    [
        (None, "file_not_found", "Upload it again"),
        (b"this is not audio at all", "unreadable_audio", "Upload one of: wav, mp3"),
    ],
)
async def test_bad_files_are_refused(
    transcriber: LocalTranscriber, tmp_path: Path, content: bytes | None, code: str, advice: str
) -> None:
    # A stored asset's name is internal: the message (shown in History) says what to do.
    path = tmp_path / "0f3c9a-internal-key.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProviderError) as caught:
        await transcriber.transcribe(path)
    assert caught.value.code == code
    assert advice in caught.value.message
    assert "internal-key" not in caught.value.message and str(tmp_path) not in caught.value.message


@pytest.fixture
def silent_clip(tmp_path: Path) -> Path:
    path = tmp_path / "a1b2c3-silent-clip.mp4"
    source = ["-f", "lavfi", "-i", "color=c=black:s=64x64:d=1", "-pix_fmt", "yuv420p"]
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", *source, str(path)]
    subprocess.run(command, check=True)  # noqa: S603 (our own ffmpeg and paths)
    return path


async def test_video_without_sound_is_refused_without_its_name(
    transcriber: LocalTranscriber, silent_clip: Path
) -> None:
    with pytest.raises(ProviderError) as caught:
        await transcriber.transcribe(silent_clip)
    assert caught.value.code == "no_audio_stream"
    assert "video with sound" in caught.value.message
    assert "silent-clip" not in caught.value.message


def test_describe_tells_the_model_and_its_languages(transcriber: LocalTranscriber) -> None:
    info = transcriber.describe()
    assert info.available and info.neural
    assert [m.id for m in info.models] == ["tiny.en"]
    assert info.models[0].languages == ("en",)
    assert info.supports["english_only"] is True


async def test_missing_model_folder_is_reported(tmp_path: Path) -> None:
    transcriber = LocalTranscriber(
        Settings(environment="test", whisper_model_path=str(tmp_path / "nowhere"))
    )
    info = transcriber.describe()
    assert not info.available and "nowhere" in (info.unavailable_reason or "")
    with pytest.raises(ProviderError) as caught:
        await transcriber.transcribe(tmp_path / "any.wav")
    assert caught.value.code == "model_unavailable"
    # The user is not shown the server's folders; the admin reads them in the provider list.
    assert "nowhere" not in caught.value.message and "administrator" in caught.value.message
