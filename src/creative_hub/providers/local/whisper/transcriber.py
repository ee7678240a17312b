"""The embedded transcription engine: faster-whisper (CTranslate2, CPU, int8)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any, cast

import av
import numpy as np
import numpy.typing as npt
import structlog
from faster_whisper import WhisperModel, decode_audio  # type: ignore[import-untyped]

from creative_hub.providers.base import (
    Capability,
    ModelInfo,
    Progress,
    ProviderError,
    ProviderInfo,
    TimedText,
    Transcript,
    no_progress,
)
from creative_hub.providers.local import cpu
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.media_probe import probe
from creative_hub.providers.local.whisper.model import WhisperModelFolder, locate_model
from creative_hub.settings import Settings

SAMPLE_RATE = 16000  # what Whisper listens at; faster-whisper resamples with PyAV
FORMATS = ("wav", "mp3", "m4a", "aac", "ogg", "opus", "flac", "webm", "mp4", "mkv", "mov")
_Samples = npt.NDArray[np.float32]
log = structlog.get_logger(__name__)


class LocalTranscriber:
    """`Transcriber` on this machine's CPU. Segments are decoded one at a time in a thread,
    so progress follows the audio and cancellation takes effect between segments."""

    def __init__(self, settings: Settings, *, name: str = "local") -> None:
        self.name = name
        self.model, self.problem = locate_model(settings.whisper_model_path)
        model = self.model
        # The cores shared among the jobs that may run at once.
        threads = max(1, (os.cpu_count() or 1) // settings.engine_slots)
        self._engine: LazyEngine[Any] | None = None
        if model:
            self._engine = LazyEngine(partial(_load, model, threads), slots=settings.engine_slots)

    def describe(self) -> ProviderInfo:
        model = self.model
        models = (
            (ModelInfo(model.id, f"Whisper {model.id}", languages=model.languages()),)
            if model
            else ()
        )
        return ProviderInfo(
            name=self.name,
            capability=Capability.transcription,
            models=models,
            neural=True,
            label=f"faster-whisper (Whisper {model.id if model else '?'}, CPU int8)",
            supports={
                "segments": True,
                "timestamps": True,
                "formats": list(FORMATS),
                "english_only": model.english_only if model else None,
            },
            available=model is not None,
            unavailable_reason=self.problem,
        )

    async def transcribe(
        self,
        audio: Path,
        language: str | None = None,
        progress: Progress = no_progress,
        *,
        model: str | None = None,  # one local Whisper model: the choice is always it
    ) -> Transcript:
        if self.model is None or self._engine is None:
            # The reason names server folders: the admin sees it in the provider list.
            log.warning("whisper_model_unavailable", problem=self.problem)
            raise ProviderError(
                "model_unavailable",
                "Transcription on this server is not set up (no Whisper model). "
                "Ask an administrator, or pick another transcription provider.",
            )
        wanted = self._check_language(self.model, language)
        samples = await asyncio.to_thread(_decode, audio)
        duration = len(samples) / SAMPLE_RATE
        await progress(0.0, f"Transcribing {duration:.1f} s of audio")
        whisper = await self._engine.get()
        segments: list[TimedText] = []
        async with self._engine.slots:
            pieces, info = await cpu.run(_start, whisper, samples, wanted)
            while (piece := await cpu.run(next, pieces, None)) is not None:
                text = str(piece.text).strip()
                if text:
                    start = max(0.0, float(piece.start))
                    segments.append(TimedText(start, min(duration, float(piece.end)), text))
                end = float(piece.end)
                await progress(min(0.99, end / duration), f"{end:.0f} of {duration:.0f} s")
        await progress(1.0, "Transcript ready")
        return Transcript(str(info.language), duration, tuple(segments))

    @staticmethod
    def _check_language(model: WhisperModelFolder, language: str | None) -> str | None:
        if model.english_only:
            if language and language.strip().replace("_", "-").lower().split("-")[0] != "en":
                raise ProviderError(
                    "language_unsupported",
                    f"The Whisper model {model.id} understands English only, not {language!r}. "
                    "Available: en. Choose English, or ask an administrator for a "
                    "multilingual Whisper model.",
                )
            return "en"
        if not language:
            return None  # detected from the first 30 s
        code = language.strip().replace("_", "-").lower().split("-")[0]
        known = model.languages()
        if code not in known:
            raise ProviderError(
                "language_unsupported",
                f"Whisper {model.id} does not know {language!r}. Available: {', '.join(known)}.",
            )
        return code


def _load(model: WhisperModelFolder, threads: int) -> Any:
    return WhisperModel(str(model.path), device="cpu", compute_type="int8", cpu_threads=threads)


def _decode(path: Path) -> _Samples:
    """Mono 16 kHz float samples from any file PyAV reads (WAV, MP3, M4A, video...).

    The messages reach the user (task error, History): they say what to do with the file
    and never name the stored path or file name, which are internal (log carries them)."""
    if not path.is_file():
        log.warning("transcription_input_missing", path=str(path))
        raise ProviderError(
            "file_not_found", "The file to transcribe is no longer available. Upload it again."
        )
    try:
        if not probe(path).has_audio:
            raise ProviderError(
                "no_audio_stream",
                "This file has no sound track. Upload an audio file or a video with sound.",
            )
        samples = cast(_Samples, decode_audio(str(path), sampling_rate=SAMPLE_RATE))
    except av.error.FFmpegError as exc:
        log.warning("transcription_input_unreadable", path=str(path), error=str(exc))
        raise ProviderError(
            "unreadable_audio",
            "This file could not be read as audio or video (it may be damaged or in another "
            f"format). Upload one of: {', '.join(FORMATS)}.",
        ) from exc
    if samples.size == 0:
        raise ProviderError(
            "empty_audio", "This file holds no sound. Upload a recording that is not empty."
        )
    return samples


def _start(whisper: Any, samples: _Samples, language: str | None) -> tuple[Iterator[Any], Any]:
    """faster-whisper returns a lazy generator: each next() decodes up to 30 s of audio."""
    pieces, info = whisper.transcribe(
        samples,
        language=language,
        beam_size=5,
        # Without it a misheard window can repeat itself through the rest of the file.
        condition_on_previous_text=False,
        # Skips silence (Silero VAD, shipped in faster-whisper) instead of hallucinating
        # text for it; timestamps still refer to the original audio.
        vad_filter=True,
    )
    return iter(pieces), info
