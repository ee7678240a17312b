"""Every query on tasks."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Row, Select, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.task_count import TaskCount
from creative_hub.tasks.page_json import task_json_column
from creative_hub.tasks.search import search_condition
from creative_hub.tasks.state import sources_of


@dataclass(frozen=True)
class TaskFilters:
    task_type: TaskType | None = None
    status: TaskStatus | None = None
    q: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    workflow_id: uuid.UUID | None = None
    # Any of these types (galleries span several).
    task_types: tuple[TaskType, ...] = ()


_PAGE_COLUMNS = tuple(
    column
    for column in Task.__table__.c
    if column.key not in {"search_text", "search_grams", "heartbeat_at"}
)


class TaskRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    async def get(self, task_id: uuid.UUID) -> Task | None:
        return await self.session.get(Task, task_id, populate_existing=True)

    async def get_owned(self, task_id: uuid.UUID, user_id: uuid.UUID) -> Task | None:
        task = await self.get(task_id)
        return task if task is not None and task.user_id == user_id else None

    def add(self, task: Task) -> None:
        self.session.add(task)

    async def page(
        self,
        user_id: uuid.UUID,
        filters: TaskFilters,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> Sequence[Row[Any]]:
        # Rows, not ORM objects (a page of 100 is built per request: the identity map
        # and instance state cost more than the query), without the search columns.
        stmt = self._page_query(_PAGE_COLUMNS, user_id, filters, limit, after)
        rows: Sequence[Row[Any]] = (await self.session.execute(stmt)).all()
        return rows

    async def page_json(
        self,
        user_id: uuid.UUID,
        filters: TaskFilters,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> Sequence[Row[Any]]:
        """The same page as (task as API JSON text, created_at, id) rows (page_json.py)."""
        columns = (task_json_column(self.session.get_bind().dialect), Task.created_at, Task.id)
        stmt = self._page_query(columns, user_id, filters, limit, after)
        rows: Sequence[Row[Any]] = (await self.session.execute(stmt)).all()
        return rows

    def _page_query(
        self,
        columns: Sequence[Any],
        user_id: uuid.UUID,
        filters: TaskFilters,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> Select[Any]:
        stmt = select(*columns).where(Task.user_id == user_id)
        if filters.task_type is not None:
            stmt = stmt.where(Task.task_type == filters.task_type)
        if filters.task_types:
            stmt = stmt.where(Task.task_type.in_(filters.task_types))
        if filters.status is not None:
            stmt = stmt.where(Task.status == filters.status)
        if filters.created_after is not None:
            stmt = stmt.where(Task.created_at >= filters.created_after)
        if filters.created_before is not None:
            stmt = stmt.where(Task.created_at < filters.created_before)
        if filters.workflow_id is not None:
            stmt = stmt.where(Task.workflow_id == filters.workflow_id)
        if filters.q:
            condition = search_condition(self.dialect, filters.q)
            if condition is not None:
                stmt = stmt.where(condition)
        if after is not None:
            stmt = stmt.where(tuple_(Task.created_at, Task.id) < tuple_(*after))
        stmt = stmt.order_by(Task.created_at.desc(), Task.id.desc()).limit(limit)
        return stmt

    async def counts(self, user_id: uuid.UUID) -> list[tuple[TaskType, TaskStatus, int]]:
        # A few counter rows (kept by triggers), not a count over the whole history.
        stmt = select(TaskCount.task_type, TaskCount.status, TaskCount.n).where(
            TaskCount.user_id == user_id, TaskCount.n > 0
        )
        return [(t, s, n) for t, s, n in (await self.session.execute(stmt)).all()]

    async def counts_all(self) -> list[tuple[TaskType, TaskStatus, int]]:
        total = func.sum(TaskCount.n)
        stmt = (
            select(TaskCount.task_type, TaskCount.status, total)
            .group_by(TaskCount.task_type, TaskCount.status)
            .having(total > 0)
        )
        return [(t, s, int(n)) for t, s, n in (await self.session.execute(stmt)).all()]

    async def transition(
        self,
        task_id: uuid.UUID,
        to: TaskStatus,
        *,
        only_from: Iterable[TaskStatus] | None = None,
        **values: Any,
    ) -> bool:
        """Atomically move a task to `to` if its current status allows it; False if not."""
        allowed = set(only_from) if only_from is not None else set(sources_of(to))
        allowed &= set(sources_of(to))
        stmt = (
            update(Task)
            .where(Task.id == task_id, Task.status.in_(allowed))
            .values(status=to, updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        result: CursorResult[Any] = await self.session.execute(stmt)  # type: ignore[assignment]
        return result.rowcount == 1

    async def update_fields(
        self, task_id: uuid.UUID, *, only_status: TaskStatus | None = None, **values: Any
    ) -> bool:
        stmt = update(Task).where(Task.id == task_id)
        if only_status is not None:
            stmt = stmt.where(Task.status == only_status)
        stmt = stmt.values(**values).execution_options(synchronize_session=False)
        result: CursorResult[Any] = await self.session.execute(stmt)  # type: ignore[assignment]
        return result.rowcount == 1

    async def cancel_requested(self, task_id: uuid.UUID) -> bool:
        value = await self.session.scalar(select(Task.cancel_requested).where(Task.id == task_id))
        return value is None or bool(value)  # a deleted task counts as cancelled

    async def queued_ids(self, limit: int) -> list[uuid.UUID]:
        stmt = (
            select(Task.id)
            .where(Task.status == TaskStatus.queued)
            .order_by(Task.created_at)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def running(self, *, heartbeat_before: datetime | None = None) -> Sequence[Task]:
        stmt = select(Task).where(Task.status == TaskStatus.running)
        if heartbeat_before is not None:
            stmt = stmt.where(
                func.coalesce(Task.heartbeat_at, Task.started_at, Task.created_at)
                < heartbeat_before
            )
        return (await self.session.scalars(stmt)).all()

    async def heartbeat(self, task_ids: Iterable[uuid.UUID], now: datetime) -> None:
        ids = list(task_ids)
        if ids:
            await self.session.execute(
                update(Task)
                .where(Task.id.in_(ids), Task.status == TaskStatus.running)
                .values(heartbeat_at=now)
                .execution_options(synchronize_session=False)
            )

    async def delete(self, task_id: uuid.UUID) -> None:
        await self.session.execute(delete(Task).where(Task.id == task_id))

    async def count_by_status(self) -> dict[TaskStatus, int]:
        stmt = select(Task.status, func.count()).group_by(Task.status)
        return {s: n for s, n in (await self.session.execute(stmt)).all()}


def stale_before(now: datetime, seconds: float) -> datetime:
    return now - timedelta(seconds=seconds)
