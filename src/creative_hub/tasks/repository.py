"""Every query on tasks."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, Row, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.db.prepared import PreparedSelect
from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.task_count import TaskCount
from creative_hub.tasks.page_query import TaskFilters, json_statement, page_query, rows_statement
from creative_hub.tasks.state import sources_of


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
        query = page_query(self.dialect, user_id, filters, limit=limit, after=after)
        stmt = rows_statement(self.dialect, query.shape)
        rows: Sequence[Row[Any]] = (await self.session.execute(stmt, query.values)).all()
        return rows

    async def page_json(
        self,
        user_id: uuid.UUID,
        filters: TaskFilters,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> tuple[list[Sequence[Any]], PreparedSelect]:
        """The same page as (task as API JSON text, created_at, id) driver rows, and the
        statement that read them (its convert() reads a row's created_at and id)."""
        dialect = self.session.get_bind().dialect
        query = page_query(dialect.name, user_id, filters, limit=limit, after=after)
        statement = json_statement(dialect, query.shape)
        return await statement.fetch(self.session, query.values), statement

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
