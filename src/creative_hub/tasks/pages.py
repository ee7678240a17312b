"""The History page (/history): filters, search, cursor pagination, details and actions.

Every read and action goes through TaskService, the same calls /api/tasks makes; the task
card partial (/history/{id}/card) is what every generator page shows for a task, and what
static/tasks.js re-fetches when a followed task finishes.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.tasks.endpoints import TaskServiceDep
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.schemas import TaskRead
from creative_hub.web import feature_forms
from creative_hub.web.deps import PageUser
from creative_hub.web.render import render, wants_partial

router = APIRouter(prefix="/history", include_in_schema=False)
PAGE_SIZE = 20
E = TypeVar("E", TaskType, TaskStatus)


def _day(value: str | None) -> date | None:
    """A yyyy-mm-dd from a date input; anything else is ignored (the field is optional)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _enum(kind: type[E], value: str | None) -> E | None:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@router.get("", response_class=HTMLResponse)
async def history(
    request: Request,
    user: PageUser,
    tasks: TaskServiceDep,
    type: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    task_type, task_status = _enum(TaskType, type), _enum(TaskStatus, status)
    start, end = _day(date_from), _day(date_to)
    filters = TaskFilters(
        task_type=task_type,
        status=task_status,
        q=q.strip() if q and q.strip() else None,
        created_after=datetime.combine(start, time.min, UTC) if start else None,
        # "to" is inclusive for a person: everything before the next day's midnight.
        created_before=datetime.combine(end + timedelta(days=1), time.min, UTC) if end else None,
    )
    rows, next_cursor = await tasks.list(user, filters, limit=PAGE_SIZE, cursor=cursor)
    items = [TaskRead.from_model(t) for t in rows]
    query = {
        "type": task_type.value if task_type else "",
        "status": task_status.value if task_status else "",
        "q": filters.q or "",
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    context: dict[str, Any] = {
        "nav": "history",
        "tasks": items,
        "stream_ids": feature_forms.streamed_ids(items),
        "next_cursor": next_cursor,
        "more_url": "/history?" + urlencode({**query, "cursor": next_cursor or ""}),
        "query": query,
        "task_types": list(TaskType),
        "task_statuses": list(TaskStatus),
        "filtered": any(query.values()),
    }
    # htmx asks for the rows alone: a filter change, or "Load more" (cursor given).
    if wants_partial(request) and request.headers.get("hx-target") == "history-rows":
        return render(request, "history/_rows.html", context)
    if wants_partial(request) and cursor:
        return render(request, "history/_rows.html", context)
    return render(request, "history/index.html", context)


@router.get("/{task_id}", response_class=HTMLResponse)
async def task_detail(
    task_id: uuid.UUID, request: Request, user: PageUser, tasks: TaskServiceDep
) -> Response:
    task = TaskRead.from_model(await tasks.get(user, task_id))
    context = {
        "nav": "history",
        "task": task,
        "input_json": json.dumps(task.input_data, ensure_ascii=False, indent=2),
        "output_json": json.dumps(task.output_data, ensure_ascii=False, indent=2),
    }
    return render(request, "history/detail.html", context)


@router.get("/{task_id}/card", response_class=HTMLResponse)
async def task_card(
    task_id: uuid.UUID,
    request: Request,
    user: PageUser,
    tasks: TaskServiceDep,
    poll: Annotated[bool, Query()] = False,
) -> Response:
    task = TaskRead.from_model(await tasks.get(user, task_id))
    context: dict[str, Any] = {"task": task}
    if poll:  # a card that polls keeps polling (see feature_forms.streamed_ids)
        context["stream_ids"] = set()
    return render(request, "history/_card.html", context)


@router.post("/{task_id}/retry", response_class=HTMLResponse)
async def retry(
    task_id: uuid.UUID, request: Request, user: PageUser, tasks: TaskServiceDep
) -> Response:
    task = TaskRead.from_model(await tasks.retry(user, task_id))
    return render(request, "history/_card.html", {"task": task})


@router.post("/{task_id}/cancel", response_class=HTMLResponse)
async def cancel(
    task_id: uuid.UUID, request: Request, user: PageUser, tasks: TaskServiceDep
) -> Response:
    task = TaskRead.from_model(await tasks.cancel(user, task_id))
    return render(request, "history/_card.html", {"task": task})


@router.delete("/{task_id}")
async def delete(
    task_id: uuid.UUID, request: Request, user: PageUser, tasks: TaskServiceDep
) -> Response:
    await tasks.delete(user, task_id)
    if request.headers.get("hx-current-url", "").rstrip("/").endswith(f"/history/{task_id}"):
        # Deleted from its own details page: there is nothing left to show there.
        return Response(status_code=200, headers={"HX-Redirect": "/history"})
    return Response(status_code=200)  # an empty body: htmx swaps the card away
