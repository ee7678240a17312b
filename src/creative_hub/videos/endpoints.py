"""The /api/videos JSON API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep
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
from creative_hub.tasks.schemas import TaskPage, TaskRead, task_json_page_response
from creative_hub.videos import schemas, service

router = APIRouter(prefix="/api/videos", tags=["videos"])
VIDEO_TYPES = (TaskType.text_to_video, TaskType.image_to_video, TaskType.video_compose)
INPUT_ERRORS = error_responses(BadRequest, Unauthorized, NotFound, UnsupportedMediaType)


@router.post(
    "/text-to-video",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=error_responses(BadRequest, Unauthorized),
    summary="A prompt drawn as a frame, then brought to life with camera motion",
)
async def text_to_video(
    data: schemas.TextToVideoRequest, request: Request, user: CurrentUser, tasks: TaskServiceDep
) -> TaskRead:
    providers = request.app.state.runtime.providers
    return TaskRead.from_model(await service.request_text_to_video(tasks, providers, user, data))


@router.post(
    "/image-to-video",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=INPUT_ERRORS,
    summary="An image you own, animated with camera motion for a duration",
)
async def image_to_video(
    data: schemas.ImageToVideoRequest,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    tasks: TaskServiceDep,
) -> TaskRead:
    providers = request.app.state.runtime.providers
    task = await service.request_image_to_video(session, tasks, providers, user, data)
    return TaskRead.from_model(task)


@router.post(
    "/compose",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TaskRead,
    responses=INPUT_ERRORS,
    summary="Images and clips + narration and music + subtitles -> one H.264/AAC MP4",
)
async def compose(
    data: schemas.ComposeRequest,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    tasks: TaskServiceDep,
) -> TaskRead:
    runtime = request.app.state.runtime
    task = await service.request_compose(
        session, runtime.store, tasks, runtime.providers, user, data
    )
    return TaskRead.from_model(task)


@router.get(
    "",
    response_model=TaskPage,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Your finished videos, newest first",
)
async def gallery(
    user: CurrentUser,
    tasks: TaskServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    filters = TaskFilters(task_types=VIDEO_TYPES, status=TaskStatus.succeeded, q=q)
    items, next_cursor = await tasks.list_json(user, filters, limit=limit, cursor=cursor)
    return task_json_page_response(items, next_cursor)


@router.get("/models", response_model=ModelList, responses=error_responses(Unauthorized))
async def video_models(request: Request, _user: CurrentUser) -> ModelList:
    return model_list(
        request.app.state.runtime.providers, Capability.image_to_video, Capability.video_compose
    )
