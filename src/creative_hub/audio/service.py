"""Audio requests: every check that can fail is made before the task exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.assets import service as assets
from creative_hub.audio import schemas
from creative_hub.kit.errors import BadRequest
from creative_hub.models.enums import TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.providers.base import (
    Capability,
    MusicRequest,
    ProviderError,
    ProviderInfo,
    SpeechSynthesizer,
)
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.tasks.service import TaskService


def _available(providers: ProviderRegistry, capability: Capability, name: str) -> ProviderInfo:
    info = providers.info(capability, name)
    if not info.available:
        raise BadRequest(
            f"The {capability.value} provider {name} is not available: {info.unavailable_reason}",
            code="provider_unavailable",
        )
    return info


async def request_speech(
    tasks: TaskService, providers: ProviderRegistry, user: User, data: schemas.SpeechRequest
) -> Task:
    name, provider, model_id = providers.resolve(Capability.speech, data.model)
    _available(providers, Capability.speech, name)
    synthesizer: SpeechSynthesizer = provider  # type: ignore[assignment]
    known = {v.id for v in synthesizer.voices()}
    # '<provider>/<id>' names a voice, or one of the provider's speech models (tts-1-hd).
    speech_model = model_id if model_id is not None and model_id not in known else None
    voice = data.voice or (None if speech_model else model_id)
    if voice is not None and voice not in known:
        raise BadRequest(
            f"No voice {voice!r}. Voices: {', '.join(sorted(known))}.",
            code="unknown_voice",
            details={"voices": sorted(known)},
        )
    input_data: dict[str, Any] = {
        **data.model_dump(exclude={"model"}),
        "voice": voice,
        "provider": name,
        "model": speech_model,
    }
    return await tasks.create(
        user, TaskType.speech, input_data, provider=name, model=speech_model or voice
    )


async def request_music(
    tasks: TaskService, providers: ProviderRegistry, user: User, data: schemas.MusicRequest
) -> Task:
    name, provider, model_id = providers.resolve(Capability.music, data.model)
    _available(providers, Capability.music, name)
    # An engine that can plan up front rejects what it cannot play (an unknown mood).
    plan = getattr(provider, "plan", None)
    if plan is not None:
        request = MusicRequest(
            duration=data.duration,
            prompt=data.prompt,
            mood=data.mood,
            tempo=data.tempo,
            seed=data.seed,
        )
        try:
            plan(request)
        except ProviderError as exc:
            raise BadRequest(exc.message, code=exc.code) from exc
    input_data = {**data.model_dump(exclude={"model"}), "provider": name, "model": model_id}
    return await tasks.create(user, TaskType.music, input_data, provider=name, model=model_id)


async def request_sound_effect(
    tasks: TaskService, providers: ProviderRegistry, user: User, data: schemas.SoundEffectRequest
) -> Task:
    name, provider, model_id = providers.resolve(Capability.sound_effects, data.model)
    _available(providers, Capability.sound_effects, name)
    # Engines with a fixed catalogue say up front when they cannot make the sound.
    match = getattr(provider, "match", None)
    if match is not None:
        try:
            match(data.prompt)
        except ProviderError as exc:  # e.g. unknown_sound_effect, listing what exists
            raise BadRequest(exc.message, code=exc.code) from exc
    input_data = {**data.model_dump(exclude={"model"}), "provider": name, "model": model_id}
    return await tasks.create(
        user, TaskType.sound_effect, input_data, provider=name, model=model_id
    )


async def request_transcription(
    session: AsyncSession,
    tasks: TaskService,
    providers: ProviderRegistry,
    user: User,
    data: schemas.TranscriptionRequest,
) -> Task:
    name, _, model_id = providers.resolve(Capability.transcription, data.model)
    info = _available(providers, Capability.transcription, name)
    languages = {lang for m in info.models for lang in m.languages}
    if data.language and languages and data.language.split("-")[0].lower() not in languages:
        raise BadRequest(
            f"{name} transcribes {', '.join(sorted(languages))} only, not {data.language!r}.",
            code="language_unsupported",
            details={"languages": sorted(languages)},
        )
    asset = await assets.require_media(session, data.asset_id, user.id, "audio", "video")
    input_data = {
        "asset_id": str(asset.id),
        "language": data.language,
        "provider": name,
        "model": model_id,
        "prompt": f"transcribe {asset.filename}",
    }
    return await tasks.create(
        user, TaskType.transcription, input_data, provider=name, model=model_id
    )


async def request_mix(
    session: AsyncSession, tasks: TaskService, user: User, data: schemas.MixRequest
) -> Task:
    names = []
    for track in data.tracks:
        asset = await assets.require_media(session, track.asset_id, user.id, "audio")
        names.append(asset.filename)
    input_data = {**data.model_dump(mode="json"), "prompt": "mix " + ", ".join(names)}
    return await tasks.create(
        user, TaskType.audio_mix, input_data, provider="local", model="ffmpeg"
    )
