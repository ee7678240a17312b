"""`LocalSoundEffectGenerator`: the embedded, non-neural sound-effect provider."""

from __future__ import annotations

import asyncio
import math
import uuid
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    ModelInfo,
    Progress,
    ProviderError,
    ProviderInfo,
    SoundEffectRequest,
    no_progress,
)
from creative_hub.providers.local.audio_io import FloatArray, write_wav
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.music.blocking import Checkpoint, run_blocking
from creative_hub.providers.local.music.mastering import frames_for, master
from creative_hub.providers.local.music.plan import new_seed
from creative_hub.providers.local.sfx.catalogue import EFFECTS, Effect, match_effect
from creative_hub.settings import Settings

SAMPLE_RATE = 44100
MIN_DURATION, MAX_DURATION = 0.1, 60.0
MAX_PROMPT_CHARS = 1000
MAX_SEED = 2**63 - 1
MODEL_ID = "procedural-sfx"
LABEL = "procedural sound effects, numpy DSP"


def validate(request: SoundEffectRequest) -> None:
    if not math.isfinite(request.duration) or not (
        MIN_DURATION <= request.duration <= MAX_DURATION
    ):
        raise ProviderError(
            "invalid_duration",
            f"Sound effect duration must be between {MIN_DURATION:g} and {MAX_DURATION:g} "
            f"seconds (got {request.duration}).",
        )
    if request.seed is not None and not 0 <= request.seed <= MAX_SEED:
        raise ProviderError("invalid_seed", f"Seed must be between 0 and {MAX_SEED}.")
    if len(request.prompt) > MAX_PROMPT_CHARS:
        raise ProviderError(
            "prompt_too_long",
            f"The sound effect prompt is limited to {MAX_PROMPT_CHARS} characters.",
        )


def render_effect(effect: Effect, duration: float, seed: int) -> FloatArray:
    """The effect's finished samples: exact length, short fades, loudness-normalised."""
    frames = frames_for(duration, SAMPLE_RATE)
    rng = np.random.default_rng([seed, zlib.crc32(effect.name.encode())])
    raw = effect.render(frames, SAMPLE_RATE, rng)
    return master(raw, frames, SAMPLE_RATE, fade_out=min(0.05, duration / 10))


class LocalSoundEffectGenerator:
    """Procedural sound effects chosen from the prompt's words (see catalogue.py)."""

    def __init__(self, settings: Settings) -> None:
        # Nothing heavy to load; the engine's slots bound concurrent renders.
        self._engine: LazyEngine[None] = LazyEngine(lambda: None, slots=settings.engine_slots)

    def catalogue(self) -> Sequence[str]:
        return list(EFFECTS)

    def match(self, prompt: str) -> str:
        """The effect a prompt would get; ProviderError (unknown_sound_effect, listing the
        catalogue, or empty_prompt) before any task is queued."""
        return match_effect(prompt)[0].name

    def effects(self) -> list[dict[str, Any]]:
        """Name, description and prompt words of every effect (for the UI and API)."""
        return [
            {"name": e.name, "description": e.description, "words": list(e.synonyms)}
            for e in EFFECTS.values()
        ]

    def describe(self) -> ProviderInfo:
        return ProviderInfo(
            name="local",
            capability=Capability.sound_effects,
            models=(ModelInfo(MODEL_ID, "Procedural sound effects (non-neural)"),),
            neural=False,
            label=LABEL,
            supports={
                "effects": list(EFFECTS),
                "duration": [MIN_DURATION, MAX_DURATION],
                "seed": True,
                "sample_rate": SAMPLE_RATE,
            },
        )

    async def generate(
        self, request: SoundEffectRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        validate(request)
        effect, words = match_effect(request.prompt)
        seed = request.seed if request.seed is not None else new_seed()
        await progress(0.05, f"synthesizing {effect.name}")
        await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
        path = out_dir / f"sfx-{effect.name}-{seed}-{uuid.uuid4().hex[:8]}.wav"

        def work(checkpoint: Checkpoint) -> int:
            samples = render_effect(effect, request.duration, seed)
            checkpoint(0.9, "writing")
            write_wav(path, samples, SAMPLE_RATE)
            return int(samples.shape[0])

        try:
            async with self._engine.slots:
                frames = await run_blocking(work, progress, span=(0.05, 0.99))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        await progress(1.0, "done")
        info = {
            "effect": effect.name,
            "description": effect.description,
            "matched_words": list(words),
            "seed": seed,
            "neural": False,
            "label": LABEL,
            "model": MODEL_ID,
        }
        return AudioResult(path, frames / SAMPLE_RATE, SAMPLE_RATE, info=info)
