"""The /api/audio JSON API: speech, music, sound effects, transcription, mixing."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from creative_hub.audio import schemas, service
from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import (
    BadRequest,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
    error_responses,
)
from creative_hub.providers.base import Capability
from creative_hub.providers.listing import ModelList, model_list
from creative_hub.tasks.endpoints import TaskServiceDep
from creative_hub.tasks.schemas import TaskRead

router = APIRouter(prefix="/api/audio", tags=["audio"])


@router.post(
    "/speech",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Text to speech (WAV, with sentence timings and SRT/VTT subtitles)",
)
async def speech(
    data: schemas.SpeechRequest, request: Request, user: CurrentUser, tasks: TaskServiceDep
) -> TaskRead:
    providers = request.app.state.runtime.providers
    return TaskRead.from_model(await service.request_speech(tasks, providers, user, data))


@router.post(
    "/music",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Music from a mood or a prompt, of an exact duration",
)
async def music(
    data: schemas.MusicRequest, request: Request, user: CurrentUser, tasks: TaskServiceDep
) -> TaskRead:
    providers = request.app.state.runtime.providers
    return TaskRead.from_model(await service.request_music(tasks, providers, user, data))


@router.post(
    "/sound-effects",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized),
    summary="A sound effect described in words (see the catalogue in the error if unknown)",
)
async def sound_effects(
    data: schemas.SoundEffectRequest, request: Request, user: CurrentUser, tasks: TaskServiceDep
) -> TaskRead:
    providers = request.app.state.runtime.providers
    return TaskRead.from_model(await service.request_sound_effect(tasks, providers, user, data))


@router.post(
    "/transcriptions",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized, NotFound, UnsupportedMediaType),
    summary="Transcribe an audio or video asset (text, SRT and VTT)",
)
async def transcriptions(
    data: schemas.TranscriptionRequest,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    tasks: TaskServiceDep,
) -> TaskRead:
    providers = request.app.state.runtime.providers
    task = await service.request_transcription(session, tasks, providers, user, data)
    return TaskRead.from_model(task)


@router.post(
    "/mix",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized, NotFound, UnsupportedMediaType),
    summary="Mix several audio assets, each with a gain and a start offset",
)
async def mix(
    data: schemas.MixRequest, user: CurrentUser, session: SessionDep, tasks: TaskServiceDep
) -> TaskRead:
    return TaskRead.from_model(await service.request_mix(session, tasks, user, data))


@router.get("/voices", response_model=schemas.VoiceList, responses=error_responses(Unauthorized))
async def voices(request: Request, _user: CurrentUser) -> schemas.VoiceList:
    providers = request.app.state.runtime.providers
    items = []
    for info in providers.describe(Capability.speech):
        if not info.available:
            continue
        for voice in providers.speech(info.name).voices():
            items.append(
                schemas.VoiceEntry(
                    id=voice.id,
                    name=voice.name,
                    language=voice.language,
                    neural=voice.neural,
                    label=voice.label,
                    provider=info.name,
                    model=f"{info.name}/{voice.id}",
                )
            )
    return schemas.VoiceList(items=items)


@router.get("/models", response_model=ModelList, responses=error_responses(Unauthorized))
async def audio_models(request: Request, _user: CurrentUser) -> ModelList:
    return model_list(
        request.app.state.runtime.providers,
        Capability.speech,
        Capability.music,
        Capability.sound_effects,
        Capability.transcription,
    )
