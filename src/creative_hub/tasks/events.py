"""Publishing a task's state to its SSE subscribers."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.events.base import EventBus, task_channel, user_channel
from creative_hub.tasks.repository import TaskRepository
from creative_hub.tasks.schemas import TaskRead


async def publish_task(bus: EventBus, session: AsyncSession, task_id: uuid.UUID) -> None:
    task = await TaskRepository(session).get(task_id)
    if task is None:
        return
    payload = {"type": "task", "task": TaskRead.from_model(task).model_dump(mode="json")}
    await bus.publish(task_channel(task_id), payload)
    await bus.publish(user_channel(task.user_id), payload)
