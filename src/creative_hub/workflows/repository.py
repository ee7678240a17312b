"""Every workflow query."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.enums import TaskStatus, TaskType, WorkflowStatus
from creative_hub.models.task import Task
from creative_hub.models.workflow import Workflow


class WorkflowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, workflow: Workflow) -> None:
        self.session.add(workflow)

    async def get(self, workflow_id: uuid.UUID, *, for_update: bool = False) -> Workflow | None:
        query = select(Workflow).where(Workflow.id == workflow_id)
        if for_update:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()

    async def lock(self, workflow_id: uuid.UUID) -> bool:
        """Take the workflow's row for this transaction before reading it (False: gone).

        A write first: PostgreSQL locks the row, SQLite takes its one write lock, so a
        cancel committed meanwhile is seen and one made later waits for this commit.
        """
        stmt = (
            update(Workflow)
            .where(Workflow.id == workflow_id)
            .values(updated_at=Workflow.updated_at)
            .execution_options(synchronize_session=False)
        )
        result: CursorResult[Any] = await self.session.execute(stmt)  # type: ignore[assignment]
        return result.rowcount == 1

    async def get_owned(self, workflow_id: uuid.UUID, user_id: uuid.UUID) -> Workflow | None:
        query = select(Workflow).where(Workflow.id == workflow_id, Workflow.user_id == user_id)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[Workflow]:
        query = select(Workflow).where(Workflow.user_id == user_id)
        if after is not None:
            created, id_ = after
            query = query.where(
                or_(
                    Workflow.created_at < created,
                    and_(Workflow.created_at == created, Workflow.id < id_),
                )
            )
        query = query.order_by(Workflow.created_at.desc(), Workflow.id.desc()).limit(limit)
        return (await self.session.execute(query)).scalars().all()

    async def running(self) -> Sequence[Workflow]:
        query = select(Workflow).where(Workflow.status == WorkflowStatus.running)
        return (await self.session.execute(query)).scalars().all()

    async def tasks(self, workflow_id: uuid.UUID) -> Sequence[Task]:
        query = (
            select(Task)
            .where(Task.workflow_id == workflow_id)
            .order_by(Task.created_at.desc(), Task.id.desc())
        )
        return (await self.session.execute(query)).scalars().all()

    async def active_tasks(
        self, workflow_id: uuid.UUID, *, steps_only: bool = False
    ) -> Sequence[Task]:
        """Queued or running tasks of the workflow; steps_only: its step tasks, no scenes."""
        query = select(Task).where(
            Task.workflow_id == workflow_id,
            Task.status.in_([TaskStatus.queued, TaskStatus.running]),
        )
        if steps_only:
            query = query.where(Task.task_type == TaskType.workflow_step)
        return (await self.session.execute(query)).scalars().all()

    async def latest_step_task(self, workflow_id: uuid.UUID) -> Task | None:
        query = (
            select(Task)
            .where(Task.workflow_id == workflow_id, Task.task_type == TaskType.workflow_step)
            .order_by(Task.created_at.desc(), Task.id.desc())
            .limit(1)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def scene_tasks(self, workflow_id: uuid.UUID, parent_id: uuid.UUID) -> list[Task]:
        """The per-scene tasks a step task created (they name it in input_data)."""
        query = select(Task).where(
            Task.workflow_id == workflow_id, Task.task_type != TaskType.workflow_step
        )
        rows = (await self.session.execute(query)).scalars().all()
        return [t for t in rows if (t.input_data or {}).get("parent_task_id") == str(parent_id)]

    async def tasks_by_id(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Task]:
        query = select(Task).where(Task.id.in_(ids)).execution_options(populate_existing=True)
        return {t.id: t for t in (await self.session.execute(query)).scalars().all()}

    async def delete(self, workflow: Workflow) -> None:
        await self.session.delete(workflow)
