"""The Audio page (/audio): speech, music, sound effects, transcription and mixing.

One tab per tool; each form posts to /audio/{tool}, is validated with the API's request
model and calls the same audio.service function as POST /api/audio/{tool}.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, Response

from creative_hub.audio import endpoints, schemas, service
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import AppError
from creative_hub.models.enums import TaskType
from creative_hub.models.user import User
from creative_hub.providers.base import Capability
from creative_hub.tasks.endpoints import TaskServiceDep
from creative_hub.tasks.service import TaskService
from creative_hub.web import feature_forms, studio
from creative_hub.web.deps import PageUser
from creative_hub.web.known_text import N_  # the error page translates it
from creative_hub.web.render import render, wants_partial

router = APIRouter(prefix="/audio", include_in_schema=False)
Tool = Literal["speech", "music", "effects", "transcribe", "mix"]
TOOLS: tuple[Tool, ...] = ("speech", "music", "effects", "transcribe", "mix")
AUDIO_TYPES = (
    TaskType.speech,
    TaskType.music,
    TaskType.sound_effect,
    TaskType.transcription,
    TaskType.audio_mix,
)
MIXABLE = (TaskType.speech, TaskType.music, TaskType.sound_effect, TaskType.audio_mix)
REUSE_TOOL: dict[TaskType, Tool] = {
    TaskType.speech: "speech",
    TaskType.music: "music",
    TaskType.sound_effect: "effects",
}
RESULTS_SIZE = 10


async def _choices(request: Request, user: User, tasks: TaskService, tool: str) -> dict[str, Any]:
    providers = request.app.state.runtime.providers
    supports: dict[str, Any] = {}
    for capability in (Capability.music, Capability.sound_effects):
        for info in providers.describe(capability):
            if info.available:
                supports.setdefault(capability.value, info.supports)
    choices: dict[str, Any] = {
        "tool": tool,
        "tools": TOOLS,
        "moods": supports.get("music", {}).get("moods", []),
        "effects": supports.get("sound_effects", {}).get("effects", []),
    }
    if tool == "speech":
        choices["voices"] = (await endpoints.voices(request, user)).items
    if tool == "mix":
        choices["media"] = await feature_forms.recent_media(request, tasks, user, MIXABLE)
    return choices


@router.get("", response_class=HTMLResponse)
async def audio_page(
    request: Request,
    user: PageUser,
    tasks: TaskServiceDep,
    tool: Annotated[Tool, Query()] = "speech",
    text: Annotated[str | None, Query(max_length=5000)] = None,
    prompt: Annotated[str | None, Query(max_length=2000)] = None,
    reuse: Annotated[uuid.UUID | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    context = await studio.results(
        tasks, user, AUDIO_TYPES, limit=RESULTS_SIZE, cursor=cursor, nav="audio"
    )
    if cursor and wants_partial(request):  # "Load more"
        return render(request, "audio/_results.html", context)
    form: dict[str, Any] = {}
    if reuse is not None:
        not_found = N_("No speech, music or sound effect with this id.")
        task_type, form = await studio.reused(tasks, user, reuse, REUSE_TOOL, not_found)
        tool = REUSE_TOOL[task_type]
    form.update({k: v for k, v in (("text", text), ("prompt", prompt)) if v})
    context.update(form=form, errors={}, **await _choices(request, user, tasks, tool))
    return render(request, "audio/index.html", context)


def _mix_data(posted: dict[str, Any]) -> dict[str, Any]:
    """Checked tracks with their own gain and offset fields (gain_<id>, offset_<id>)."""
    tracks = [
        {
            "asset_id": asset_id,
            "gain_db": posted.get(f"gain_{asset_id}", 0),
            "offset": posted.get(f"offset_{asset_id}", 0),
        }
        for asset_id in posted.get("tracks", [])
    ]
    return {"tracks": tracks, "format": posted.get("format", "wav")}


@router.post("/{tool}", response_class=HTMLResponse)
async def create(
    tool: Tool, request: Request, user: PageUser, tasks: TaskServiceDep, session: SessionDep
) -> Response:
    form = await request.form()
    posted = feature_forms.values(form, lists=("tracks",))
    providers = request.app.state.runtime.providers
    context: dict[str, Any] = {"form": posted, **await _choices(request, user, tasks, tool)}
    model: type[BaseModel]
    data: dict[str, Any] = posted
    if tool == "speech":
        model = schemas.SpeechRequest
    elif tool == "music":
        model = schemas.MusicRequest
    elif tool == "effects":
        model = schemas.SoundEffectRequest
    elif tool == "mix":
        model, data = schemas.MixRequest, _mix_data(posted)
    else:
        model = schemas.TranscriptionRequest
    errors: feature_forms.Errors = {}
    task = None
    try:
        if tool == "transcribe":
            asset = await feature_forms.save_upload(request, session, user, form.get("file"))
            data = {**posted, "asset_id": str(asset.id)}
        parsed, errors = feature_forms.validate(request, model, data)
        if isinstance(parsed, schemas.SpeechRequest):
            task = await service.request_speech(tasks, providers, user, parsed)
        elif isinstance(parsed, schemas.MusicRequest):
            task = await service.request_music(tasks, providers, user, parsed)
        elif isinstance(parsed, schemas.SoundEffectRequest):
            task = await service.request_sound_effect(tasks, providers, user, parsed)
        elif isinstance(parsed, schemas.TranscriptionRequest):
            task = await service.request_transcription(session, tasks, providers, user, parsed)
        elif isinstance(parsed, schemas.MixRequest):
            task = await service.request_mix(session, tasks, user, parsed)
    except AppError as exc:
        fields = studio.file_errors(
            "file" if tool == "transcribe" else "prompt",
            unknown_voice="voice",
            unknown_mood="mood",
            unknown_sound_effect="prompt",
            language_unsupported="language",
            missing_file="file",
            empty_file="file",
        )
        errors = feature_forms.service_errors(request, exc, fields)
    return studio.form_answer(request, "audio/_form.html", context, task, errors)
