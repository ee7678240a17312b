"""The workflow API: /api/workflows (idea to finished video in six editable steps)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status
from sse_starlette import EventSourceResponse

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep, run_after_commit
from creative_hub.kit.errors import BadRequest, Conflict, NotFound, Unauthorized, error_responses
from creative_hub.kit.sse import follow
from creative_hub.models.enums import WorkflowStatus, WorkflowStep
from creative_hub.workflows.events import snapshot, workflow_channel
from creative_hub.workflows.repository import WorkflowRepository
from creative_hub.workflows.schemas import (
    STEP_SCHEMAS,
    TemplateList,
    WorkflowCreate,
    WorkflowPage,
    WorkflowPatch,
    WorkflowRead,
)
from creative_hub.workflows.service import WorkflowService
from creative_hub.workflows.state import to_read
from creative_hub.workflows.templates import list_templates

router = APIRouter(prefix="/api/workflows", tags=["workflows"])

_RESYNC_SECONDS = 5.0


def get_workflow_service(request: Request, session: SessionDep) -> WorkflowService:
    runtime = request.app.state.runtime
    return WorkflowService(session, runtime.bus, runtime.store)


ServiceDep = Annotated[WorkflowService, Depends(get_workflow_service)]


@router.get("/templates", response_model=TemplateList, responses=error_responses(Unauthorized))
async def templates(_user: CurrentUser) -> TemplateList:
    return list_templates()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=WorkflowRead,
    responses=error_responses(Unauthorized),
    summary="Create a workflow from an idea or a template (nothing runs yet)",
)
async def create_workflow(
    data: WorkflowCreate, user: CurrentUser, service: ServiceDep
) -> WorkflowRead:
    return to_read(await service.create(user, data))


@router.get("", response_model=WorkflowPage, responses=error_responses(BadRequest, Unauthorized))
async def list_workflows(
    user: CurrentUser,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> WorkflowPage:
    rows, next_cursor = await service.list(user, limit=limit, cursor=cursor)
    return WorkflowPage(items=[to_read(w) for w in rows], next_cursor=next_cursor)


@router.get(
    "/{workflow_id}", response_model=WorkflowRead, responses=error_responses(Unauthorized, NotFound)
)
async def get_workflow(
    workflow_id: uuid.UUID, user: CurrentUser, service: ServiceDep
) -> WorkflowRead:
    return to_read(await service.get(user, workflow_id))


@router.patch(
    "/{workflow_id}",
    response_model=WorkflowRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
)
async def patch_workflow(
    workflow_id: uuid.UUID, data: WorkflowPatch, user: CurrentUser, service: ServiceDep
) -> WorkflowRead:
    return to_read(await service.patch(user, workflow_id, data))


@router.delete(
    "/{workflow_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(Unauthorized, NotFound),
    summary="Delete a workflow, its tasks and every file they made",
)
async def delete_workflow(
    workflow_id: uuid.UUID, user: CurrentUser, service: ServiceDep
) -> Response:
    await service.delete(user, workflow_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{workflow_id}/run",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WorkflowRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Run every remaining (not done, or stale) step in order",
)
async def run_workflow(
    workflow_id: uuid.UUID, user: CurrentUser, service: ServiceDep
) -> WorkflowRead:
    return to_read(await service.run_all(user, workflow_id))


@router.post(
    "/{workflow_id}/steps/{step}/run",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WorkflowRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Run one step (its earlier steps must be done and current)",
)
async def run_step(
    workflow_id: uuid.UUID, step: WorkflowStep, user: CurrentUser, service: ServiceDep
) -> WorkflowRead:
    return to_read(await service.run_step(user, workflow_id, step))


@router.put(
    "/{workflow_id}/steps/{step}",
    response_model=WorkflowRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Replace a step's data (validated against its schema); later steps become stale",
    # The body's schema depends on {step}: ScriptData for script, StoryboardData ...
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {"$ref": f"#/components/schemas/{model.__name__}"}
                            for model in STEP_SCHEMAS.values()
                        ]
                    }
                }
            },
        }
    },
)
async def put_step(
    workflow_id: uuid.UUID,
    step: WorkflowStep,
    user: CurrentUser,
    service: ServiceDep,
    data: Annotated[dict[str, Any], Body(description="The step's data, per its schema.")],
) -> WorkflowRead:
    return to_read(await service.put_step(user, workflow_id, step, data))


@router.post(
    "/{workflow_id}/cancel",
    response_model=WorkflowRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Stop the running step; finished steps are kept and POST /run resumes",
)
async def cancel_workflow(
    workflow_id: uuid.UUID, user: CurrentUser, service: ServiceDep
) -> WorkflowRead:
    return to_read(await service.cancel(user, workflow_id))


@router.get(
    "/{workflow_id}/events",
    responses={
        200: {"description": "Server-sent events", "content": {"text/event-stream": {}}},
        **error_responses(Unauthorized, NotFound),
    },
    response_class=EventSourceResponse,
    summary="Live: a 'workflow' event now and on every step change, 'progress' between",
)
async def workflow_events(
    workflow_id: uuid.UUID, request: Request, user: CurrentUser, service: ServiceDep
) -> EventSourceResponse:
    await service.get(user, workflow_id)  # owner check before the stream starts
    return EventSourceResponse(_stream(request.app.state.runtime, workflow_id), ping=15)


async def _snapshot(runtime: Any, workflow_id: uuid.UUID) -> dict[str, Any] | None:
    async with runtime.sessionmaker() as session:
        workflow = await WorkflowRepository(session).get(workflow_id)
        if workflow is None:
            return None
        # Settled here too, so a stream never follows a run whose worker is gone.
        await WorkflowService(session, runtime.bus, runtime.store).reconcile(workflow)
        await session.commit()
        await run_after_commit(session)
        data: dict[str, Any] = snapshot(workflow)["workflow"]
        return data


def _live(workflow: dict[str, Any]) -> bool:
    return bool(workflow["status"] == WorkflowStatus.running.value)


def _stream(runtime: Any, workflow_id: uuid.UUID) -> AsyncIterator[dict[str, str]]:
    """Follow the workflow until it stops running (or is deleted)."""

    async def load() -> dict[str, Any] | None:
        return await _snapshot(runtime, workflow_id)

    return follow(
        runtime.bus,
        workflow_channel(workflow_id),
        kind="workflow",
        gone={"workflow_id": str(workflow_id)},
        load=load,
        live=_live,
        resync_seconds=_RESYNC_SECONDS,
    )
