"""The embedded speech engine: Piper (neural) by default, espeak-ng where Piper has no voice."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from piper import PiperVoice

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    ModelInfo,
    Progress,
    ProviderError,
    ProviderInfo,
    SpeechRequest,
    Voice,
    no_progress,
)
from creative_hub.providers.local import cpu
from creative_hub.providers.local.audio_io import FloatArray
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.speech.assemble import join_sentences, trim_silence, write_output
from creative_hub.providers.local.speech.espeak import espeak_sentence
from creative_hub.providers.local.speech.piper_engine import load_piper, speak_sentence
from creative_hub.providers.local.speech.sentences import Sentence, split_sentences
from creative_hub.providers.local.speech.voices import (
    ESPEAK_LABEL,
    ESPEAK_MISSING,
    VoiceCatalogue,
    VoiceChoice,
)
from creative_hub.settings import Settings

MAX_CHARS = 5000
MIN_SPEED = 0.5
MAX_SPEED = 2.0


class LocalSpeechSynthesizer:
    """`SpeechSynthesizer` on this machine's CPU. Sentences are spoken one by one, so each
    gets a timed segment (subtitles) and cancellation takes effect between sentences."""

    def __init__(
        self, settings: Settings, *, name: str = "local", espeak_binary: str | None = None
    ) -> None:
        self.name = name
        # An explicit binary that does not exist counts as "espeak-ng not installed".
        self._espeak = shutil.which(espeak_binary or "espeak-ng")
        self.catalogue = VoiceCatalogue(settings.piper_voice_path, self._espeak is not None)
        piper_file = self.catalogue.piper
        # The cores shared among the jobs that may run at once.
        threads = max(1, (os.cpu_count() or 1) // settings.engine_slots)
        self._piper: LazyEngine[PiperVoice] | None = (
            LazyEngine(partial(load_piper, piper_file, threads), slots=settings.engine_slots)
            if piper_file
            else None
        )
        self._espeak_slots = asyncio.Semaphore(settings.engine_slots)

    def describe(self) -> ProviderInfo:
        voices = self.voices()
        piper = self.catalogue.piper
        notes = [n for n in (self.catalogue.piper_problem,) if n]
        if not self.catalogue.espeak_installed:
            notes.append(ESPEAK_MISSING)
        available = piper is not None or self.catalogue.espeak_installed
        label = (
            f"Piper neural TTS ({piper.voice.id}); {ESPEAK_LABEL} for other languages"
            if piper
            else f"{ESPEAK_LABEL} only: the Piper voice is unavailable"
        )
        return ProviderInfo(
            name=self.name,
            capability=Capability.speech,
            models=tuple(ModelInfo(v.id, v.name, languages=(v.language,)) for v in voices),
            neural=piper is not None,
            label=label,
            supports={
                "speed": [MIN_SPEED, MAX_SPEED],
                "max_chars": MAX_CHARS,
                "sentence_timings": True,
                "default_voice": piper.voice.id if piper else None,
                "espeak_ng_installed": self.catalogue.espeak_installed,
                "notes": notes,
            },
            available=available,
            unavailable_reason=None if available else "; ".join(notes),
        )

    def voices(self) -> Sequence[Voice]:
        return self.catalogue.voices()

    async def synthesize(
        self, request: SpeechRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        sentences = _validate(request)
        choice = self.catalogue.resolve(request.voice, request.language, request.text)
        await progress(0.0, f"Speaking {len(sentences)} sentence(s) with {choice.voice.name}")
        if choice.engine == "piper":
            clips, rate = await self._speak_piper(sentences, request.speed, progress)
        else:
            clips, rate = await self._speak_espeak(choice, sentences, request.speed, progress)
        audio, segments = join_sentences(clips, rate, request.speed)
        if not segments:
            raise ProviderError("empty_text", "The text has nothing the voice can pronounce.")
        path, duration = await write_output(out_dir, audio, rate)
        await progress(1.0, "Speech ready")
        info: dict[str, Any] = {
            "engine": choice.engine,
            "voice": choice.voice.id,
            "language": choice.voice.language,
            "neural": choice.voice.neural,
            "label": choice.voice.label,
            "speed": request.speed,
        }
        return AudioResult(path, duration, rate, segments, info)

    async def _speak_piper(
        self, sentences: list[Sentence], speed: float, progress: Progress
    ) -> tuple[list[tuple[Sentence, FloatArray]], int]:
        piper_file = self.catalogue.piper
        if self._piper is None or piper_file is None:  # resolve() never picks Piper then
            raise ProviderError("voice_unavailable", str(self.catalogue.piper_problem))
        try:
            voice = await self._piper.get()
        except Exception as exc:
            raise ProviderError(
                "voice_unavailable", f"Could not load the Piper voice {piper_file.model}: {exc}"
            ) from exc
        # Higher speed = shorter phonemes; relative to the voice's own tuned length.
        length_scale = piper_file.length_scale / speed
        clips: list[tuple[Sentence, FloatArray]] = []
        async with self._piper.slots:
            for sentence in sentences:
                try:
                    samples = await cpu.run(speak_sentence, voice, sentence.text, length_scale)
                except Exception as exc:
                    raise ProviderError(
                        "synthesis_failed", f"Piper failed on {sentence.text[:60]!r}: {exc}"
                    ) from exc
                clips.append((sentence, trim_silence(samples, piper_file.sample_rate)))
                await _report(progress, sentences, len(clips))
        return clips, piper_file.sample_rate

    async def _speak_espeak(
        self,
        choice: VoiceChoice,
        sentences: list[Sentence],
        speed: float,
        progress: Progress,
    ) -> tuple[list[tuple[Sentence, FloatArray]], int]:
        if self._espeak is None:  # resolve() refuses espeak voices then
            raise ProviderError("voice_unavailable", ESPEAK_MISSING)
        clips: list[tuple[Sentence, FloatArray]] = []
        rate = 22050
        async with self._espeak_slots:
            for sentence in sentences:
                samples, rate = await espeak_sentence(
                    self._espeak, choice.espeak_name, sentence.text, speed
                )
                clips.append((sentence, trim_silence(samples, rate)))
                await _report(progress, sentences, len(clips))
        return clips, rate


def _validate(request: SpeechRequest) -> list[Sentence]:
    text = request.text
    if not text or not text.strip():
        raise ProviderError("empty_text", "The text to speak is empty.")
    if len(text) > MAX_CHARS:
        raise ProviderError(
            "text_too_long",
            f"The text has {len(text)} characters; the limit is {MAX_CHARS}. "
            "Split it into several requests.",
        )
    if not MIN_SPEED <= request.speed <= MAX_SPEED:  # also refuses NaN
        raise ProviderError(
            "invalid_speed",
            f"Speed must be between {MIN_SPEED} and {MAX_SPEED}, not {request.speed}.",
        )
    sentences = split_sentences(text)
    if not sentences:
        raise ProviderError("empty_text", "The text has no words to speak (only punctuation).")
    return sentences


async def _report(progress: Progress, sentences: list[Sentence], done: int) -> None:
    total = sum(len(s.text) for s in sentences)
    spoken = sum(len(s.text) for s in sentences[:done])
    await progress(0.95 * spoken / total, f"Sentence {done} of {len(sentences)}")
