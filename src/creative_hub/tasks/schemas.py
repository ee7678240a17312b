from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from fastapi import Response
from pydantic import BaseModel, Field
from sqlalchemy import Row

from creative_hub.kit.time import as_utc
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task


class TaskError(BaseModel):
    code: str
    message: str


class TaskRead(BaseModel):
    id: uuid.UUID
    task_type: TaskType
    status: TaskStatus
    progress: int = Field(ge=0, le=100)
    progress_message: str | None
    input_data: dict[str, Any]
    output_data: dict[str, Any] | None
    output_urls: list[str]
    error: TaskError | None
    provider: str | None
    model: str | None
    attempts: int
    cancel_requested: bool
    workflow_id: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_model(cls, task: TaskLike) -> TaskRead:
        values = _values(task)
        values["error"] = (
            TaskError.model_construct(code=task.error_code, message=task.error_message or "")
            if task.error_code
            else None
        )
        # The row is already valid: skip per-field validation.
        return cls.model_construct(**values)


# A loaded Task, or a row of its columns (the history page selects rows, not objects).
TaskLike = Task | Row[Any]


def _values(task: TaskLike) -> dict[str, Any]:
    """TaskRead's fields but `error`, from a task or a row of its columns."""
    return {
        "id": task.id,
        "task_type": task.task_type,
        "status": task.status,
        "progress": task.progress,
        "progress_message": task.progress_message,
        "input_data": task.input_data,
        "output_data": task.output_data,
        "output_urls": task.output_urls or [],
        "provider": task.provider,
        "model": task.model,
        "attempts": task.attempts,
        "cancel_requested": task.cancel_requested,
        "workflow_id": task.workflow_id,
        "created_at": as_utc(task.created_at),
        "started_at": as_utc(task.started_at) if task.started_at else None,
        "finished_at": as_utc(task.finished_at) if task.finished_at else None,
    }


class TaskPage(BaseModel):
    items: list[TaskRead]
    next_cursor: str | None = None


def task_json_page_response(items: Sequence[str], next_cursor: str | None) -> Response:
    """A TaskPage from tasks the database already wrote as JSON (page_json.py)."""
    content = b"".join(
        (
            b'{"items":[',
            ",".join(items).encode(),
            b'],"next_cursor":',
            orjson.dumps(next_cursor),
            b"}",
        )
    )
    return Response(content, media_type="application/json")


class TaskStats(BaseModel):
    total: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_type_and_status: dict[str, dict[str, int]]
