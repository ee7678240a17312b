"""The rules of tasks: create, read, list, cancel, retry, delete."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.assets import service as assets_service
from creative_hub.db.session import after_commit, defer_job
from creative_hub.events.base import CONTROL_CHANNEL, EventBus
from creative_hub.kit.errors import Conflict, NotFound
from creative_hub.kit.pagination import decode_cursor, encode_cursor
from creative_hub.kit.time import as_utc, utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.storage.base import AssetStore
from creative_hub.tasks.events import publish_task
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.repository import TaskRepository
from creative_hub.tasks.schemas import TaskStats
from creative_hub.tasks.search import search_columns


class TaskService:
    def __init__(self, session: AsyncSession, bus: EventBus, store: AssetStore) -> None:
        self.session = session
        self.bus = bus
        self.store = store
        self.repo = TaskRepository(session)

    def _publish_after_commit(self, task_id: uuid.UUID) -> None:
        async def publish() -> None:
            await publish_task(self.bus, self.session, task_id)

        after_commit(self.session, publish)

    async def create(
        self,
        user: User,
        task_type: TaskType,
        input_data: dict[str, Any],
        *,
        provider: str | None = None,
        model: str | None = None,
        workflow_id: uuid.UUID | None = None,
    ) -> Task:
        """Insert a queued task; it is enqueued once the request's transaction commits.

        created_at and updated_at are left to the columns' defaults, taken as the row is
        written: on SQLite, after the write gate. A time taken before it let a task wait
        behind a later one and be written after it, out of creation order, which sends
        searches back to the slow way (tasks/search_order.py).
        """
        task = Task(
            id=uuid.uuid4(),
            user_id=user.id,
            task_type=task_type,
            status=TaskStatus.queued,
            input_data=input_data,
            output_urls=[],
            **search_columns(input_data),
            provider=provider,
            model=model,
            workflow_id=workflow_id,
            progress=0,
            attempts=0,
            cancel_requested=False,
        )
        self.repo.add(task)
        await self.session.flush()
        defer_job(self.session, task.id)
        return task

    async def get(self, user: User, task_id: uuid.UUID) -> Task:
        task = await self.repo.get_owned(task_id, user.id)
        if task is None:
            # Another user's task is "not found" too: never confirm it exists.
            raise NotFound("No task with this id.", code="task_not_found")
        return task

    async def list(
        self, user: User, filters: TaskFilters, *, limit: int, cursor: str | None
    ) -> tuple[list[Row[Any]], str | None]:
        """A page of the user's tasks as rows of their columns (read them like a Task)."""
        after = decode_cursor(cursor) if cursor else None
        rows = list(
            await self.repo.page(user.id, _normalized(filters), limit=limit + 1, after=after)
        )
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = encode_cursor(last.created_at, last.id)
        return rows, next_cursor

    async def list_json(
        self, user: User, filters: TaskFilters, *, limit: int, cursor: str | None
    ) -> tuple[Sequence[str], str | None]:
        """The same page as list(), each task already the API's JSON (tasks/page_json.py)."""
        after = decode_cursor(cursor) if cursor else None
        rows, statement = await self.repo.page_json(
            user.id, _normalized(filters), limit=limit + 1, after=after
        )
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            _json, created_at, task_id = statement.convert(rows[-1])
            next_cursor = encode_cursor(created_at, task_id)
        return [row[0] for row in rows], next_cursor

    async def stats(self, user: User) -> TaskStats:
        by_status: dict[str, int] = {s.value: 0 for s in TaskStatus}
        by_type: dict[str, int] = {}
        matrix: dict[str, dict[str, int]] = {}
        total = 0
        for task_type, task_status, n in await self.repo.counts(user.id):
            total += n
            by_status[task_status.value] += n
            by_type[task_type.value] = by_type.get(task_type.value, 0) + n
            matrix.setdefault(task_type.value, {})[task_status.value] = n
        return TaskStats(
            total=total, by_status=by_status, by_type=by_type, by_type_and_status=matrix
        )

    async def cancel(self, user: User, task_id: uuid.UUID) -> Task:
        task = await self.get(user, task_id)
        if task.status == TaskStatus.cancelled:
            return task
        if task.status == TaskStatus.queued and await self.repo.transition(
            task_id, TaskStatus.cancelled, only_from=[TaskStatus.queued], finished_at=utcnow()
        ):
            self._publish_after_commit(task_id)
            return await self.get(user, task_id)
        if task.status in (TaskStatus.queued, TaskStatus.running):
            # A worker may have claimed it meanwhile: ask it to stop (cooperatively).
            await self.repo.update_fields(task_id, cancel_requested=True, updated_at=utcnow())

            async def signal() -> None:
                await self.bus.publish(CONTROL_CHANNEL, {"type": "cancel", "task_id": str(task_id)})

            after_commit(self.session, signal)
            self._publish_after_commit(task_id)
            return await self.get(user, task_id)
        raise Conflict(
            f"This task has already {task.status.value}; "
            "only queued or running tasks can be cancelled.",
            code="task_not_cancellable",
        )

    async def retry(self, user: User, task_id: uuid.UUID) -> Task:
        task = await self.get(user, task_id)
        retried = await self.repo.transition(
            task_id,
            TaskStatus.queued,
            only_from=[TaskStatus.failed, TaskStatus.cancelled],
            progress=0,
            progress_message=None,
            error_code=None,
            error_message=None,
            cancel_requested=False,
            started_at=None,
            finished_at=None,
            output_data=None,
            output_urls=[],
        )
        if not retried:
            raise Conflict(
                f"This task is {task.status.value}; only failed or cancelled tasks can be retried.",
                code="task_not_retryable",
            )
        defer_job(self.session, task_id)
        self._publish_after_commit(task_id)
        return await self.get(user, task_id)

    async def delete(self, user: User, task_id: uuid.UUID) -> None:
        task = await self.get(user, task_id)
        if task.status == TaskStatus.running:

            async def signal() -> None:
                await self.bus.publish(CONTROL_CHANNEL, {"type": "cancel", "task_id": str(task_id)})

            after_commit(self.session, signal)
        await assets_service.delete_for_task(self.session, self.store, task_id)
        await self.repo.delete(task_id)


def _normalized(filters: TaskFilters) -> TaskFilters:
    return TaskFilters(
        task_type=filters.task_type,
        status=filters.status,
        q=filters.q.strip() if filters.q else None,
        created_after=as_utc(filters.created_after) if filters.created_after else None,
        created_before=as_utc(filters.created_before) if filters.created_before else None,
        workflow_id=filters.workflow_id,
        task_types=filters.task_types,
    )
