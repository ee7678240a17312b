"""Job handlers, one per task type, and what a handler is given and returns."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from creative_hub.models.enums import TaskType
from creative_hub.usage.service import Usage


class JobError(Exception):
    """A failure the user should see: a stable code and a message that says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class TaskCancelled(Exception):
    """Raised by JobContext.check_cancelled() when the user cancelled the task."""


@dataclass
class JobResult:
    output_data: dict[str, Any] = field(default_factory=dict)
    output_urls: list[str] = field(default_factory=list)
    provider: str | None = None
    model: str | None = None
    # Recorded in the usage ledger in the same transaction that marks the task succeeded.
    usage: list[Usage] = field(default_factory=list)


class JobContext(Protocol):
    task_id: uuid.UUID
    user_id: uuid.UUID
    task_type: TaskType
    input_data: dict[str, Any]
    attempt: int
    workflow_id: uuid.UUID | None
    # The process's Runtime (settings, sessionmaker, store, providers, bus).
    runtime: Any

    async def progress(self, percent: int, message: str | None = None) -> None: ...

    async def check_cancelled(self) -> None: ...


JobHandler = Callable[[JobContext], Coroutine[Any, Any, JobResult]]


class HandlerRegistry:
    def __init__(self) -> None:
        self._handlers: dict[TaskType, JobHandler] = {}

    def register(self, task_type: TaskType, handler: JobHandler) -> None:
        self._handlers[task_type] = handler

    def handler(self, task_type: TaskType) -> Callable[[JobHandler], JobHandler]:
        def decorate(fn: JobHandler) -> JobHandler:
            self.register(task_type, fn)
            return fn

        return decorate

    def unregister(self, task_type: TaskType) -> None:
        self._handlers.pop(task_type, None)

    def get(self, task_type: TaskType) -> JobHandler | None:
        return self._handlers.get(task_type)

    def copy(self) -> HandlerRegistry:
        clone = HandlerRegistry()
        clone._handlers = dict(self._handlers)
        return clone


# Feature packages register their jobs here at import; each app gets a copy.
default_registry = HandlerRegistry()
