"""Form posts on the feature pages: the API's own request models validate them, and their
errors become short, translated messages shown next to each field."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile

from creative_hub.assets import service as assets
from creative_hub.kit.errors import AppError, BadRequest
from creative_hub.models.asset import Asset
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.user import User
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.schemas import TaskRead
from creative_hub.tasks.service import TaskService
from creative_hub.web import known_text
from creative_hub.web.known_text import N_
from creative_hub.web.render import _, locale_of

M = TypeVar("M", bound=BaseModel)
FORM = "__all__"  # the key of an error that belongs to the whole form
Errors = dict[str, str]
_COPY_CHUNK = 1024 * 1024
# Live event streams per list of tasks: a browser keeps ~6 connections to a site over
# HTTP/1.1, and the page needs some for itself; the other running cards poll.
STREAMS_PER_LIST = 3


def values(form: FormData, *, lists: Iterable[str] = ()) -> dict[str, Any]:
    """The posted fields, blanks dropped (so the model's defaults apply), CSRF left out."""
    many = set(lists)
    out: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key in many:
            out[key] = [v for v in form.getlist(key) if isinstance(v, str) and v.strip()]
            continue
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = value
    return out


def message(request: Request, error: Any) -> str:
    """One pydantic error as a short message in the page's language."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("missing", "string_too_short") and ctx.get("min_length", 1) <= 1:
        return _(request, "Required.")
    if kind == "string_too_short":
        return _(request, "At least {n} characters.").format(n=ctx["min_length"])
    if kind == "string_too_long":
        return _(request, "At most {n} characters.").format(n=ctx["max_length"])
    if kind in ("greater_than_equal", "greater_than"):
        return _(request, "At least {n}.").format(n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _(request, "At most {n}.").format(n=ctx.get("le", ctx.get("lt")))
    if kind in ("int_parsing", "float_parsing", "int_from_float"):
        return _(request, "Enter a number.")
    if kind in ("literal_error", "enum"):
        return _(request, "Choose one of the options.")
    if kind in ("uuid_parsing", "uuid_type"):
        return _(request, "Choose a file.")
    if kind in ("too_short", "too_long") and "min_length" in ctx:
        return _(request, "Choose at least {n}.").format(n=ctx["min_length"])
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def validate(request: Request, model: type[M], data: dict[str, Any]) -> tuple[M | None, Errors]:
    """(the request model, {}) or (None, {field: message}); errors about the whole
    form (a model validator's) are under FORM."""
    try:
        return model.model_validate(data), {}
    except ValidationError as exc:
        errors: Errors = {}
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            errors.setdefault(loc[0] if loc else FORM, message(request, error))
        return None, errors


def service_errors(
    request: Request, error: AppError, fields: dict[str, str] | None = None
) -> Errors:
    """A service's refusal (a 4xx AppError) as a form error, on the field its code names,
    in the page's language when its English is a known one (web/known_text.py)."""
    shown = known_text.localize(locale_of(request), error.message)
    return {(fields or {}).get(error.code, FORM): shown}


async def save_upload(request: Request, session: AsyncSession, user: User, field: Any) -> Asset:
    """A file posted with a page's form, stored as the user's asset (as POST /api/assets)."""
    if not isinstance(field, UploadFile) or not field.filename:
        raise BadRequest(_(request, "Choose a file."), code="missing_file")
    runtime = request.app.state.runtime
    sink = assets.UploadSink(
        runtime.settings.max_upload_bytes, str(runtime.settings.data_dir / "tmp")
    )
    try:
        while chunk := await field.read(_COPY_CHUNK):
            sink.write(chunk)
        return await assets.save_upload(
            session, runtime.store, user_id=user.id, sink=sink, filename=field.filename
        )
    finally:
        sink.discard()


@dataclass(frozen=True)
class Media:
    """A file one of the user's finished tasks made, offered in a picker."""

    asset_id: str
    kind: str  # image, video or audio
    url: str
    thumbnail_url: str | None
    label: str


# A picked file's label when its task had no prompt or text (the same names as History's).
_TYPE_NAMES = {
    TaskType.image_generation: N_("Image"),
    TaskType.image_upscale: N_("Upscale"),
    TaskType.text_to_video: N_("Text to video"),
    TaskType.image_to_video: N_("Image to video"),
    TaskType.video_compose: N_("Video composition"),
    TaskType.speech: N_("Speech"),
    TaskType.music: N_("Music"),
    TaskType.sound_effect: N_("Sound effect"),
    TaskType.audio_mix: N_("Audio mix"),
}


def _media_label(request: Request, task_type: TaskType, data: dict[str, Any]) -> str:
    said = str(data.get("prompt") or data.get("text") or "")[:80]
    if said:
        return said
    if data.get("mood"):
        return known_text.option_label(locale_of(request), str(data["mood"]))
    return _(request, _TYPE_NAMES.get(task_type, task_type.value.replace("_", " ")))


async def recent_media(
    request: Request,
    tasks: TaskService,
    user: User,
    types: tuple[TaskType, ...],
    limit: int = 24,
) -> list[Media]:
    """The images, clips and sounds of the user's latest succeeded tasks of these types."""
    filters = TaskFilters(task_types=types, status=TaskStatus.succeeded)
    rows, _cursor = await tasks.list(user, filters, limit=limit, cursor=None)
    found: list[Media] = []
    for task in rows:
        data, out = task.input_data, task.output_data or {}
        label = _media_label(request, task.task_type, data)
        for image in out.get("images", []):
            found.append(
                Media(image["asset_id"], "image", image["url"], image.get("thumbnail_url"), label)
            )
        if out.get("video"):
            video = out["video"]
            found.append(
                Media(video["asset_id"], "video", video["url"], out.get("thumbnail_url"), label)
            )
        if out.get("audio"):
            audio = out["audio"]
            found.append(Media(audio["asset_id"], "audio", audio["url"], None, label))
    return found


def streamed_ids(tasks: list[TaskRead], limit: int = STREAMS_PER_LIST) -> set[uuid.UUID]:
    """The running tasks of a list that follow their events live (the newest few)."""
    live = [t.id for t in tasks if not t.status.is_terminal]
    return set(live[:limit])
