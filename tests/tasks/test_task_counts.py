"""The counters behind /api/tasks/stats and the dashboard stay equal to a real count."""

from __future__ import annotations

import uuid
from collections import Counter

import httpx
from fastapi import FastAPI
from sqlalchemy import delete, select, update

from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from tests.support.api import register
from tests.support.tasks import create_task


async def _true_counts(app: FastAPI, user_id: str) -> Counter[tuple[str, str]]:
    async with app.state.runtime.sessionmaker() as session:
        rows = await session.execute(
            select(Task.task_type, Task.status).where(Task.user_id == uuid.UUID(user_id))
        )
        return Counter((t.value, s.value) for t, s in rows.all())


async def _stats(client: httpx.AsyncClient, headers: dict[str, str]) -> Counter[tuple[str, str]]:
    stats = (await client.get("/api/tasks/stats", headers=headers)).json()
    return Counter(
        {
            (task_type, status): n
            for task_type, by_status in stats["by_type_and_status"].items()
            for status, n in by_status.items()
            if n
        }
    )


async def test_counts_follow_inserts_status_changes_and_deletes(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await app.state.runtime.queue.stop()  # no job runs: only this test moves the tasks
    me = await register(client)
    uid = me["user"]["id"]
    types = [TaskType.speech] * 4 + [TaskType.music] * 3
    ids = [
        uuid.UUID(await create_task(app, uid, {"text": f"t{i}"}, task_type, enqueue=False))
        for i, task_type in enumerate(types)
    ]
    assert await _stats(client, me["headers"]) == await _true_counts(app, uid)
    moves = [
        (ids[0], TaskStatus.running),
        (ids[0], TaskStatus.succeeded),
        (ids[1], TaskStatus.failed),
        (ids[1], TaskStatus.queued),  # a retry
        (ids[4], TaskStatus.cancelled),
        (ids[5], TaskStatus.cancelled),
        (ids[5], TaskStatus.cancelled),  # no change at all
    ]
    async with app.state.runtime.sessionmaker() as session:
        for task_id, status in moves:
            await session.execute(update(Task).where(Task.id == task_id).values(status=status))
        await session.commit()
    assert await _stats(client, me["headers"]) == await _true_counts(app, uid)
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(delete(Task).where(Task.id.in_([ids[2], ids[4]])))
        await session.commit()
    counted = await _stats(client, me["headers"])
    assert counted == await _true_counts(app, uid)
    assert sum(counted.values()) == 5
    assert counted[("speech", "succeeded")] == 1
