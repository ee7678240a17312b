"""Every workflow query."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.enums import TaskStatus, WorkflowStatus
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

    async def active_tasks(self, workflow_id: uuid.UUID) -> Sequence[Task]:
        query = select(Task).where(
            Task.workflow_id == workflow_id,
            Task.status.in_([TaskStatus.queued, TaskStatus.running]),
        )
        return (await self.session.execute(query)).scalars().all()

    async def delete(self, workflow: Workflow) -> None:
        await self.session.delete(workflow)
