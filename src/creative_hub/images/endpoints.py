"""The /api/images JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep
from creative_hub.images import service
from creative_hub.images.schemas import (
    Gallery,
    GalleryItem,
    ImageGenerationRequest,
    UpscaleRequest,
)
from creative_hub.kit.errors import (
    BadRequest,
    NotFound,
    Unauthorized,
    UnsupportedMediaType,
    error_responses,
)
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.providers.base import Capability
from creative_hub.providers.listing import ModelList, model_list
from creative_hub.tasks.endpoints import TaskServiceDep
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.schemas import TaskRead

router = APIRouter(prefix="/api/images", tags=["images"])
IMAGE_TYPES = (TaskType.image_generation, TaskType.image_upscale)


@router.post(
    "/generations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Generate 1-4 images; returns the task at once (follow it at /api/tasks/{id}/events)",
)
async def generate(
    data: ImageGenerationRequest, request: Request, user: CurrentUser, tasks: TaskServiceDep
) -> TaskRead:
    task = await service.request_generation(tasks, request.app.state.runtime.providers, user, data)
    return TaskRead.from_model(task)


@router.post(
    "/upscale",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized, NotFound, UnsupportedMediaType),
    summary="Upscale an image you own 2-4x (Lanczos)",
)
async def upscale(
    data: UpscaleRequest,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    tasks: TaskServiceDep,
) -> TaskRead:
    store = request.app.state.runtime.store
    return TaskRead.from_model(await service.request_upscale(session, store, tasks, user, data))


@router.get(
    "",
    response_model=Gallery,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Your finished images, newest first",
)
async def gallery(
    user: CurrentUser,
    tasks: TaskServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Gallery:
    filters = TaskFilters(task_types=IMAGE_TYPES, status=TaskStatus.succeeded, q=q)
    rows, next_cursor = await tasks.list(user, filters, limit=limit, cursor=cursor)
    items = [
        GalleryItem(
            task_id=t.id,
            task_type=t.task_type.value,
            prompt=t.input_data.get("prompt"),
            settings={k: v for k, v in t.input_data.items() if k != "prompt"},
            images=(t.output_data or {}).get("images", []),
            created_at=TaskRead.from_model(t).created_at,
        )
        for t in rows
    ]
    return Gallery(items=items, next_cursor=next_cursor)


@router.get("/models", response_model=ModelList, responses=error_responses(Unauthorized))
async def image_models(request: Request, _user: CurrentUser) -> ModelList:
    return model_list(request.app.state.runtime.providers, Capability.image)
