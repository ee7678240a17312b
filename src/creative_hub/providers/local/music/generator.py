"""`LocalMusicGenerator`: the embedded, non-neural music provider.

request -> plan (mood, key, scale, tempo, progression, instruments) -> score
(melody, pads, bass, broken chords, drums) -> audio by FluidSynth with a General
MIDI soundfont, or by the numpy synthesizer when FluidSynth or the soundfont is
missing (or FluidSynth fails) -> exact length, fade-out, loudness-normalised WAV.
"""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import structlog

from creative_hub.providers.base import (
    AudioResult,
    Capability,
    ModelInfo,
    MusicRequest,
    Progress,
    ProviderError,
    ProviderInfo,
    no_progress,
)
from creative_hub.providers.local.audio_io import FloatArray, write_wav
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.music.arrange import arrange
from creative_hub.providers.local.music.blocking import Checkpoint, run_blocking
from creative_hub.providers.local.music.fluid import FluidSynth, find_fluidsynth, render_midi
from creative_hub.providers.local.music.mastering import frames_for, master
from creative_hub.providers.local.music.midi import midi_bytes
from creative_hub.providers.local.music.moods import MOODS
from creative_hub.providers.local.music.plan import (
    MAX_DURATION,
    MAX_TEMPO,
    MIN_DURATION,
    MIN_TEMPO,
    MusicPlan,
    make_plan,
    new_seed,
)
from creative_hub.providers.local.music.song import Song
from creative_hub.providers.local.music.synth import render_song
from creative_hub.settings import Settings

log = structlog.get_logger("creative_hub.music")

SAMPLE_RATE = 44100
MODEL_ID = "procedural-composer"
NUMPY_LABEL = "procedural composer, numpy synthesis"


@dataclass(frozen=True)
class _Renderers:
    fluidsynth: FluidSynth | None
    why_not_fluidsynth: str | None


def _fade_seconds(duration: float) -> float:
    return min(2.0, 0.1 * duration)


class LocalMusicGenerator:
    """Procedural composer. `use_fluidsynth=False` (or a soundfont_path that does not
    exist) selects the numpy synthesizer."""

    def __init__(self, settings: Settings, *, use_fluidsynth: bool = True) -> None:
        self._settings = settings
        if use_fluidsynth:
            found, reason = find_fluidsynth(settings.soundfont_path)
            self._renderers = _Renderers(found, reason)
        else:
            self._renderers = _Renderers(None, "FluidSynth disabled")
        # Nothing heavy to load; the engine's slots bound concurrent renders.
        self._engine: LazyEngine[_Renderers] = LazyEngine(
            lambda: self._renderers, slots=settings.engine_slots
        )

    @property
    def renderer(self) -> str:
        """'fluidsynth' or 'numpy': what compose() will use."""
        return "fluidsynth" if self._renderers.fluidsynth else "numpy"

    @property
    def label(self) -> str:
        synth = self._renderers.fluidsynth
        return synth.label if synth else NUMPY_LABEL

    def describe(self) -> ProviderInfo:
        supports: dict[str, Any] = {
            "moods": list(MOODS),
            "duration": [MIN_DURATION, MAX_DURATION],
            "tempo": [MIN_TEMPO, MAX_TEMPO],
            "seed": True,
            "renderer": self.renderer,
            "sample_rate": SAMPLE_RATE,
        }
        if self._renderers.why_not_fluidsynth:
            supports["fluidsynth_unavailable"] = self._renderers.why_not_fluidsynth
        return ProviderInfo(
            name="local",
            capability=Capability.music,
            models=(ModelInfo(MODEL_ID, "Procedural composer (non-neural)"),),
            neural=False,
            label=self.label,
            supports=supports,
        )

    def plan(self, request: MusicRequest, seed: int = 0) -> MusicPlan:
        """The plan a request would get with this seed: validates it (ProviderError with
        invalid_duration, invalid_tempo, invalid_seed, unknown_mood, prompt_too_long)
        before any task is queued, or previews key, tempo and instruments."""
        return make_plan(request, request.seed if request.seed is not None else seed)

    async def compose(
        self, request: MusicRequest, out_dir: Path, progress: Progress = no_progress
    ) -> AudioResult:
        seed = request.seed if request.seed is not None else new_seed()
        plan = make_plan(request, seed)
        song = arrange(plan)
        await progress(0.05, f"composing {plan.mood}: {plan.key}, {plan.tempo} BPM")
        renderers = await self._engine.get()
        await asyncio.to_thread(out_dir.mkdir, parents=True, exist_ok=True)
        path = out_dir / f"music-{plan.mood}-{seed}-{uuid.uuid4().hex[:8]}.wav"
        info: dict[str, Any] = {}
        try:
            async with self._engine.slots:
                audio: FloatArray | None = None
                if renderers.fluidsynth is not None:
                    audio = await self._try_fluidsynth(
                        renderers.fluidsynth, song, plan, out_dir, progress, info
                    )
                if audio is None:
                    info.update(renderer="numpy", label=NUMPY_LABEL)

                    def synthesize(checkpoint: Checkpoint) -> FloatArray:
                        return render_song(song, SAMPLE_RATE, seed, checkpoint).astype(np.float32)

                    audio = await run_blocking(synthesize, progress, span=(0.1, 0.85))
                rendered = audio

                def finish(checkpoint: Checkpoint) -> int:
                    frames = frames_for(plan.duration, SAMPLE_RATE)
                    final = master(rendered, frames, SAMPLE_RATE, _fade_seconds(plan.duration))
                    checkpoint(0.5, "writing")
                    write_wav(path, final, SAMPLE_RATE)
                    return frames

                frames = await run_blocking(finish, progress, span=(0.85, 0.99))
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        await progress(1.0, "done")
        info.update(neural=False, model=MODEL_ID, **plan.summary())
        return AudioResult(path, frames / SAMPLE_RATE, SAMPLE_RATE, info=info)

    async def _try_fluidsynth(
        self,
        synth: FluidSynth,
        song: Song,
        plan: MusicPlan,
        out_dir: Path,
        progress: Progress,
        info: dict[str, Any],
    ) -> FloatArray | None:
        """FluidSynth's render, or None (with the reason in info) if it failed."""

        async def forward(fraction: float, message: str | None) -> None:
            await progress(0.1 + 0.75 * fraction, message)

        with tempfile.TemporaryDirectory(dir=out_dir, prefix=".music-") as work:
            midi = Path(work) / "song.mid"
            await asyncio.to_thread(midi.write_bytes, midi_bytes(song))
            frames = frames_for(plan.duration, SAMPLE_RATE)
            try:
                audio = await render_midi(
                    synth, midi, Path(work), SAMPLE_RATE, frames, forward, 60 + 2 * plan.duration
                )
            except (ProviderError, OSError) as error:
                reason = getattr(error, "message", str(error))
                log.warning("fluidsynth_failed_using_numpy", reason=reason, seed=plan.seed)
                info["fallback_reason"] = reason
                return None
        info.update(renderer="fluidsynth", label=synth.label, soundfont=synth.soundfont.name)
        return audio
