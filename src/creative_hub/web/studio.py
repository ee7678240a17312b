"""What the generator pages (Image, Video, Audio) share: the results list with its "Load
more", "Reuse settings", the answer to a form post, upload errors on their field and the size
picker."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from starlette.responses import Response

from creative_hub.kit.errors import NotFound
from creative_hub.models.enums import TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.schemas import TaskRead
from creative_hub.tasks.service import TaskService
from creative_hub.web import feature_forms
from creative_hub.web.render import _, render

# Service error codes about a posted or picked file: shown on the page's file field.
FILE_ERRORS = ("unsupported_file_type", "upload_too_large", "wrong_media_type")


async def results(
    tasks: TaskService,
    user: User,
    types: tuple[TaskType, ...],
    *,
    limit: int,
    cursor: str | None,
    nav: str,
) -> dict[str, Any]:
    """The page's latest tasks of these types (one page of them) and what follows them."""
    rows, next_cursor = await tasks.list(
        user, TaskFilters(task_types=types), limit=limit, cursor=cursor
    )
    items = [TaskRead.from_model(t) for t in rows]
    return {
        "nav": nav,
        "tasks": items,
        "stream_ids": feature_forms.streamed_ids(items),
        "next_cursor": next_cursor,
    }


async def reused(
    tasks: TaskService,
    user: User,
    task_id: uuid.UUID,
    types: Collection[TaskType],
    not_found: str,
) -> tuple[TaskType, dict[str, Any]]:
    """ "Reuse settings": the type and set input fields of one of the user's tasks of these
    types (not_found, a catalogue msgid, when it is another kind of task)."""
    task = await tasks.get(user, task_id)
    if task.task_type not in types:
        raise NotFound(not_found, code="task_not_found")
    return task.task_type, {k: v for k, v in task.input_data.items() if v is not None}


def file_errors(field: str, **others: str) -> dict[str, str]:
    """A service error code -> form field map with the file errors on `field`."""
    return {**dict.fromkeys(FILE_ERRORS, field), **others}


def form_answer(
    request: Request,
    template: str,
    context: dict[str, Any],
    task: Task | None,
    errors: feature_forms.Errors,
) -> Response:
    """The form again: with its errors (422) or, once queued, with the new task's card."""
    if task is None:
        context["errors"] = errors
        return render(request, template, context, status=422)
    context.update(errors={}, task=TaskRead.from_model(task))
    return render(request, template, context)


def split_size(data: dict[str, Any], default: str) -> None:
    """The page's one "WxH" size field as the request's width and height."""
    width, _x, height = str(data.pop("size", default)).partition("x")
    data.update(width=width or None, height=height or None)


def join_size(form: dict[str, Any]) -> None:
    """A request's width and height as the page's "WxH" size field (for reuse)."""
    if form.get("width") and form.get("height"):
        form["size"] = f"{form['width']}x{form['height']}"


def size_errors(errors: feature_forms.Errors) -> None:
    """Width and height errors belong to the size field (the two sides are one field)."""
    for side in ("width", "height"):
        if side in errors:
            errors.setdefault("size", errors.pop(side))


@dataclass(frozen=True)
class SizeChoice:
    value: str  # what the form posts: "1280x720"
    label: str  # what the picker shows: "1280 × 720 · landscape", translated


def size_choices(request: Request, sizes: list[tuple[int, int]]) -> list[SizeChoice]:
    def shape(width: int, height: int) -> str:
        if width == height:
            return _(request, "square")
        return _(request, "landscape") if width > height else _(request, "portrait")

    return [SizeChoice(f"{w}x{h}", f"{w} × {h} · {shape(w, h)}") for w, h in sizes]
