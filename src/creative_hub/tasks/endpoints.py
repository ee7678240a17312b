"""The history API: /api/tasks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from sse_starlette import EventSourceResponse

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep
from creative_hub.events.base import task_channel
from creative_hub.kit.errors import BadRequest, Conflict, NotFound, Unauthorized, error_responses
from creative_hub.kit.sse import follow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.repository import TaskRepository
from creative_hub.tasks.schemas import TaskPage, TaskRead, TaskStats, task_json_page_response
from creative_hub.tasks.service import TaskService

router = APIRouter(prefix="/api/tasks", tags=["history"])

# Re-read the task this often while streaming, in case an event was missed.
_RESYNC_SECONDS = 10.0


async def get_task_service(request: Request, session: SessionDep) -> TaskService:
    runtime = request.app.state.runtime
    return TaskService(session, runtime.bus, runtime.store)


TaskServiceDep = Annotated[TaskService, Depends(get_task_service)]


@router.get(
    "",
    response_model=TaskPage,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Your tasks, newest first, filtered and searched",
)
async def list_tasks(
    user: CurrentUser,
    service: TaskServiceDep,
    type: Annotated[TaskType | None, Query(description="Only this task type")] = None,
    status_: Annotated[TaskStatus | None, Query(alias="status")] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Words that must all appear in the prompt")
    ] = None,
    created_after: Annotated[datetime | None, Query()] = None,
    created_before: Annotated[datetime | None, Query()] = None,
    workflow_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    filters = TaskFilters(
        task_type=type,
        status=status_,
        q=q,
        created_after=created_after,
        created_before=created_before,
        workflow_id=workflow_id,
    )
    items, next_cursor = await service.list_json(user, filters, limit=limit, cursor=cursor)
    return task_json_page_response(items, next_cursor)


@router.get("/stats", response_model=TaskStats, responses=error_responses(Unauthorized))
async def task_stats(user: CurrentUser, service: TaskServiceDep) -> TaskStats:
    return await service.stats(user)


@router.get(
    "/{task_id}", response_model=TaskRead, responses=error_responses(Unauthorized, NotFound)
)
async def get_task(task_id: uuid.UUID, user: CurrentUser, service: TaskServiceDep) -> TaskRead:
    return TaskRead.from_model(await service.get(user, task_id))


@router.delete(
    "/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(Unauthorized, NotFound),
    summary="Delete a task and its files (a running one is cancelled first)",
)
async def delete_task(task_id: uuid.UUID, user: CurrentUser, service: TaskServiceDep) -> Response:
    await service.delete(user, task_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{task_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Run a failed or cancelled task again",
)
async def retry_task(task_id: uuid.UUID, user: CurrentUser, service: TaskServiceDep) -> TaskRead:
    return TaskRead.from_model(await service.retry(user, task_id))


@router.post(
    "/{task_id}/cancel",
    response_model=TaskRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Cancel a queued task at once, or ask a running one to stop",
)
async def cancel_task(task_id: uuid.UUID, user: CurrentUser, service: TaskServiceDep) -> TaskRead:
    return TaskRead.from_model(await service.cancel(user, task_id))


@router.get(
    "/{task_id}/events",
    responses={
        200: {"description": "Server-sent events", "content": {"text/event-stream": {}}},
        **error_responses(Unauthorized, NotFound),
    },
    response_class=EventSourceResponse,
    summary="Live progress: a 'task' event now and on every change, 'progress' events between",
)
async def task_events(
    task_id: uuid.UUID, request: Request, user: CurrentUser, service: TaskServiceDep
) -> EventSourceResponse:
    await service.get(user, task_id)  # owner check before the stream starts
    runtime = request.app.state.runtime
    return EventSourceResponse(_stream(runtime, task_id), ping=15)


async def _snapshot(runtime: Any, task_id: uuid.UUID) -> dict[str, Any] | None:
    async with runtime.sessionmaker() as session:
        task = await TaskRepository(session).get(task_id)
        return None if task is None else TaskRead.from_model(task).model_dump(mode="json")


def _is_terminal(task: dict[str, Any]) -> bool:
    return TaskStatus(task["status"]).is_terminal


def _stream(runtime: Any, task_id: uuid.UUID) -> AsyncIterator[dict[str, str]]:
    async def load() -> dict[str, Any] | None:
        return await _snapshot(runtime, task_id)

    return follow(
        runtime.bus,
        task_channel(task_id),
        kind="task",
        gone={"task_id": str(task_id)},
        load=load,
        live=lambda task: not _is_terminal(task),
        resync_seconds=_RESYNC_SECONDS,
    )
