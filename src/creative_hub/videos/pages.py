"""The Video page (/videos): text to video, image to video and compose, with live progress
and players.

Each mode's form posts to /videos/{mode}, is validated with the API's request model and
calls the same videos.service function as POST /api/videos/{mode}.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import AppError
from creative_hub.models.enums import TaskType
from creative_hub.models.user import User
from creative_hub.providers.base import ProviderError
from creative_hub.providers.local.subtitles import parse_srt, parse_vtt
from creative_hub.tasks.endpoints import TaskServiceDep
from creative_hub.tasks.service import TaskService
from creative_hub.videos import schemas, service
from creative_hub.videos.endpoints import VIDEO_TYPES
from creative_hub.web import feature_forms, studio
from creative_hub.web.deps import PageUser
from creative_hub.web.known_text import N_  # the error page translates it
from creative_hub.web.render import _, render, wants_partial

router = APIRouter(prefix="/videos", include_in_schema=False)
Mode = Literal["text", "image", "compose"]
MODES: tuple[Mode, ...] = ("text", "image", "compose")
SIZES = [(1280, 720), (960, 540), (720, 1280), (1080, 1080), (1920, 1080)]
DEFAULT_SIZE = "1280x720"
MOTIONS = ["zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down", "static"]
RESULTS_SIZE = 8
AUDIO_TYPES = (TaskType.speech, TaskType.music, TaskType.sound_effect, TaskType.audio_mix)


async def _choices(request: Request, user: User, tasks: TaskService, mode: str) -> dict[str, Any]:
    sizes = studio.size_choices(request, SIZES)
    choices: dict[str, Any] = {"mode": mode, "modes": MODES, "sizes": sizes, "motions": MOTIONS}
    if mode == "image":
        images = (TaskType.image_generation, TaskType.image_upscale)
        choices["media"] = await feature_forms.recent_media(request, tasks, user, images)
    elif mode == "compose":
        visual_types = (TaskType.image_generation, TaskType.image_upscale, *VIDEO_TYPES)
        choices["media"] = await feature_forms.recent_media(request, tasks, user, visual_types)
        choices["sounds"] = await feature_forms.recent_media(request, tasks, user, AUDIO_TYPES)
    return choices


@router.get("", response_class=HTMLResponse)
async def videos_page(
    request: Request,
    user: PageUser,
    tasks: TaskServiceDep,
    mode: Annotated[Mode, Query()] = "text",
    prompt: Annotated[str | None, Query(max_length=4000)] = None,
    reuse: Annotated[uuid.UUID | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    context = await studio.results(
        tasks, user, VIDEO_TYPES, limit=RESULTS_SIZE, cursor=cursor, nav="videos"
    )
    if cursor and wants_partial(request):  # "Load more"
        return render(request, "videos/_results.html", context)
    form: dict[str, Any] = {}
    if reuse is not None:
        not_found = N_("No text-to-video task with this id.")
        _type, form = await studio.reused(tasks, user, reuse, (TaskType.text_to_video,), not_found)
        mode = "text"
    if prompt:
        form["prompt"] = prompt
    studio.join_size(form)
    context.update(form=form, errors={}, **await _choices(request, user, tasks, mode))
    return render(request, "videos/index.html", context)


class BadSubtitles(Exception):
    pass


def _cues(request: Request, text: str) -> list[dict[str, Any]]:
    """Subtitles typed or pasted as SRT or WebVTT."""
    try:
        parsed = parse_vtt(text) if text.lstrip().startswith("WEBVTT") else parse_srt(text)
    except (ProviderError, ValueError) as exc:
        message = _(request, "These subtitles are not valid SRT or WebVTT.")
        raise BadSubtitles(message) from exc
    return [{"start": c.start, "end": c.end, "text": c.text} for c in parsed]


def _compose_data(request: Request, form: FormData, posted: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in posted.items() if k not in ("narration", "music", "subtitles")}
    studio.split_size(data, DEFAULT_SIZE)
    roles = ("narration", "music")
    data["audio"] = [{"asset_id": posted[r], "role": r} for r in roles if posted.get(r)]
    data["burn_subtitles"] = "burn_subtitles" in form
    data["duck_music"] = "duck_music" in form
    if posted.get("subtitles"):
        data["subtitles"] = _cues(request, posted["subtitles"])
    return data


@router.post("/{mode}", response_class=HTMLResponse)
async def create(
    mode: Mode, request: Request, user: PageUser, tasks: TaskServiceDep, session: SessionDep
) -> Response:
    form = await request.form()
    posted = feature_forms.values(form, lists=("visuals",))
    providers = request.app.state.runtime.providers
    context: dict[str, Any] = {"form": posted, **await _choices(request, user, tasks, mode)}
    errors: feature_forms.Errors = {}
    task = None
    model: type[BaseModel]
    try:
        if mode == "text":
            model, data = schemas.TextToVideoRequest, dict(posted)
            studio.split_size(data, DEFAULT_SIZE)
        elif mode == "image":
            model, data = schemas.ImageToVideoRequest, dict(posted)
            studio.split_size(data, DEFAULT_SIZE)
            upload = form.get("file")
            if getattr(upload, "filename", None):  # a new picture instead of a made one
                asset = await feature_forms.save_upload(request, session, user, upload)
                data["asset_id"] = str(asset.id)
        else:
            model, data = schemas.ComposeRequest, _compose_data(request, form, posted)
        parsed, errors = feature_forms.validate(request, model, data)
        studio.size_errors(errors)
        if isinstance(parsed, schemas.TextToVideoRequest):
            task = await service.request_text_to_video(tasks, providers, user, parsed)
        elif isinstance(parsed, schemas.ImageToVideoRequest):
            task = await service.request_image_to_video(session, tasks, providers, user, parsed)
        elif isinstance(parsed, schemas.ComposeRequest):
            store = request.app.state.runtime.store
            task = await service.request_compose(session, store, tasks, providers, user, parsed)
    except BadSubtitles as exc:
        errors = {"subtitles": str(exc)}
    except AppError as exc:
        field = {"image": "asset_id", "compose": "visuals"}.get(mode, "prompt")
        fields = studio.file_errors(
            field, missing_file="asset_id", asset_not_found=field, invalid_subtitles="subtitles"
        )
        errors = feature_forms.service_errors(request, exc, fields)
    return studio.form_answer(request, "videos/_form.html", context, task, errors)
