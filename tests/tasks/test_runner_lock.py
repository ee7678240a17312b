"""Several job runners on one database: a starting runner never requeues another's work."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from creative_hub.auth.schemas import RegisterRequest
from creative_hub.auth.service import AuthService
from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.runtime import Runtime, build_runtime
from creative_hub.settings import Settings
from tests.support import databases


async def _running_task(runtime: Runtime) -> uuid.UUID:
    """A task some runner is running right now (fresh heartbeat)."""
    async with runtime.sessionmaker() as session:
        user = await AuthService(session, runtime.settings).register(
            RegisterRequest(
                email=f"r{uuid.uuid4().hex[:8]}@example.com",
                username=f"r{uuid.uuid4().hex[:8]}",
                password="s3cret-pass",
            )
        )
        now = utcnow()
        task = Task(
            id=uuid.uuid4(), user_id=user.id, task_type=TaskType.speech,
            status=TaskStatus.running, input_data={"text": "hi"}, output_urls=[],
            attempts=1, progress=10, cancel_requested=False, created_at=now,
            updated_at=now, started_at=now, heartbeat_at=now,
        )  # fmt: skip
        session.add(task)
        await session.commit()
        return task.id


async def _status(runtime: Runtime, task_id: uuid.UUID) -> TaskStatus:
    async with runtime.sessionmaker() as session:
        status = await session.scalar(select(Task.status).where(Task.id == task_id))
        assert status is not None
        return status


async def test_a_second_runner_leaves_the_first_ones_tasks_alone_and_a_lone_one_recovers(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    await databases.empty_tables(database_url)
    # No job handlers: recovery alone decides what happens to the task.
    settings: Any = make_settings(database_url)
    first = build_runtime(settings)
    await first.start()
    try:
        task_id = await _running_task(first)  # as if `first` were running it
        second = build_runtime(settings)
        await second.start()  # another worker process starting beside it
        try:
            assert await _status(second, task_id) == TaskStatus.running
        finally:
            await second.stop()
    finally:
        await first.stop()
    # Every runner is gone: the next one to start is alone, and the task is an orphan.
    third = build_runtime(settings)
    await third.start(recover=True)
    try:
        assert await _status(third, task_id) != TaskStatus.running
    finally:
        await third.stop()
