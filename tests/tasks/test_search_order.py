"""Search pages are newest first whatever order the tasks were written in.

On SQLite a search page walks the FTS index in write order and stops at the page size;
tasks written out of creation order are listed by a trigger and found the slow way
(tasks/search_order.py, migration 0007). These tests write histories that are in
order, out of order, tied and partly deleted, and hold every page to the plain answer.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy import delete, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from creative_hub.db import migrate
from creative_hub.db.engine import create_engine, create_sessionmaker
from creative_hub.events.memory import MemoryEventBus
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.settings import Settings
from creative_hub.storage.local import LocalAssetStore
from creative_hub.tasks.search import search_columns
from creative_hub.tasks.service import TaskService
from tests.support import databases
from tests.support.api import register

_BASE = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
_PROMPTS = ["a lighthouse at dawn", "灯塔 的 夜晚", "灯塔 and a lighthouse", "a quiet barn"]
_TYPES = [TaskType.image_generation, TaskType.speech, TaskType.music]


@dataclass
class _Made:
    id: uuid.UUID
    created_at: datetime
    prompt: str
    task_type: TaskType


async def _write(app: FastAPI, user_id: uuid.UUID, made: list[_Made]) -> None:
    # Finished tasks only: other tests' runners would pick up queued ones.
    async with app.state.runtime.sessionmaker() as session:
        for m in made:
            input_data = {"prompt": m.prompt}
            session.add(
                Task(
                    id=m.id, user_id=user_id, task_type=m.task_type,
                    status=TaskStatus.succeeded, input_data=input_data,
                    created_at=m.created_at, **search_columns(input_data),
                )
            )  # fmt: skip
            await session.flush()  # one INSERT each, in this order
        await session.commit()


def _tasks(rng: random.Random, n: int, minutes: list[float]) -> list[_Made]:
    return [
        _Made(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            created_at=_BASE + timedelta(minutes=minutes[i]),
            prompt=f"{rng.choice(_PROMPTS)} #{i}",
            task_type=rng.choice(_TYPES),
        )
        for i in range(n)
    ]


async def _pages(
    client: httpx.AsyncClient, headers: dict[str, str], limit: int, **params: Any
) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        query = {**params, "limit": limit} | ({"cursor": cursor} if cursor else {})
        r = await client.get("/api/tasks", headers=headers, params=query)
        assert r.status_code == 200, r.text
        seen += [t["id"] for t in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return seen


def _expected(made: list[_Made], q: str, task_type: TaskType | None = None) -> list[str]:
    terms = q.lower().split()
    hits = [
        m
        for m in made
        if all(t in m.prompt.lower() for t in terms) and task_type in (None, m.task_type)
    ]
    hits.sort(key=lambda m: (m.created_at, m.id), reverse=True)
    return [str(m.id) for m in hits]


async def test_search_pages_are_newest_first_in_any_write_order(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    rng = random.Random(7)
    me = await register(client)
    user_id = uuid.UUID(me["user"]["id"])
    # A history written as it happened, then tasks dated in the past (an import, a
    # clock step), two sharing one instant, and another user's matching tasks.
    made = _tasks(rng, 30, [float(i) for i in range(30)])
    late = _tasks(rng, 12, [rng.uniform(-5, 40) for _ in range(12)])
    tied = _tasks(rng, 2, [15.0, 15.0])
    await _write(app, user_id, made)
    await _write(app, user_id, late + tied)
    other = await register(client)
    await _write(app, uuid.UUID(other["user"]["id"]), _tasks(rng, 8, [50.0 + i for i in range(8)]))
    made += late + tied
    # Deleted tasks leave no trace in either list; a task moved forward in time must not
    # serve as the start of the walk when a page ends on it.
    gone = {made[29].id, late[3].id}
    made[5].created_at = _BASE + timedelta(minutes=35.5)
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(delete(Task).where(Task.id.in_(gone)))
        await session.execute(
            update(Task).where(Task.id == made[5].id).values(created_at=made[5].created_at)
        )
        await session.commit()
    made = [m for m in made if m.id not in gone]

    for q, task_type in [
        ("lighthouse", None),
        ("灯塔", None),
        ("灯塔 lighthouse", None),
        ("lighthouse a", None),
        ("lighthouse", TaskType.speech),
    ]:
        params: dict[str, Any] = {"q": q} | ({"type": task_type.value} if task_type else {})
        expected = _expected(made, q, task_type)
        assert expected, q
        for limit in (1, 4):  # with 1, every task is once the cursor
            assert await _pages(client, me["headers"], limit, **params) == expected, params


async def _sqlite_user(url: str, revision: str) -> uuid.UUID:
    """A SQLite database at `revision` with one user."""
    await asyncio.to_thread(migrate.upgrade, url, revision)
    user_id = uuid.uuid4()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(User.__table__).values(
                    id=user_id, email="o@example.com", username="o", hashed_password="x",
                    is_active=True, is_superuser=False, created_at=_BASE, updated_at=_BASE,
                )
            )  # fmt: skip
    finally:
        await engine.dispose()
    return user_id


async def _insert(url: str, user_id: uuid.UUID, made: list[_Made]) -> None:
    """One INSERT per task, in list order (the table as every revision since 0004 has it)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for m in made:
                await conn.execute(
                    sa.insert(Task.__table__).values(
                        id=m.id, user_id=user_id, task_type=m.task_type,
                        status=TaskStatus.succeeded, input_data={}, output_urls=[],
                        search_text=m.prompt, search_grams="", progress=100, attempts=1,
                        cancel_requested=False, created_at=m.created_at, updated_at=_BASE,
                    )
                )  # fmt: skip
    finally:
        await engine.dispose()


async def _out_of_order(url: str, change: Any = None) -> set[uuid.UUID]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if change is not None:
                await conn.execute(change)
            rows = await conn.execute(
                text("SELECT t.id FROM tasks_out_of_order o JOIN tasks t ON t.rowid = o.task_rowid")
            )
            return {uuid.UUID(hex=r[0]) for r in rows}
    finally:
        await engine.dispose()


async def test_sqlite_lists_the_tasks_written_out_of_order(tmp_path: Path) -> None:
    url = databases.sqlite_url(tmp_path)
    first, older, newer = _tasks(random.Random(11), 3, [10.0, 5.0, 20.0])
    user_id = await _sqlite_user(url, "head")
    await _insert(url, user_id, [first, older, newer])
    assert await _out_of_order(url) == {older.id}
    # Moving a task in time takes it off the fast path.
    moved = update(Task).where(Task.id == newer.id).values(created_at=_BASE)
    assert await _out_of_order(url, moved) == {older.id, newer.id}
    gone = delete(Task).where(Task.id.in_([older.id, newer.id]))
    assert await _out_of_order(url, gone) == set()
    # A task dated after everything else is in order; one at an existing instant sorts
    # by id, so it is in order only if its id is the greater.
    later, *_ = _tasks(random.Random(12), 1, [30.0])
    same = _Made(uuid.UUID(int=0, version=4), first.created_at, "x", TaskType.speech)
    await _insert(url, user_id, [later, same])
    assert await _out_of_order(url) == {same.id}


async def test_sqlite_upgrade_lists_existing_tasks_written_out_of_order(tmp_path: Path) -> None:
    url = databases.sqlite_url(tmp_path)
    made = _tasks(random.Random(13), 6, [1.0, 2.0, 0.5, 3.0, 2.5, 4.0])
    await _insert(url, await _sqlite_user(url, "0006"), made)
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _out_of_order(url) == {made[2].id, made[4].id}
    await asyncio.to_thread(migrate.downgrade, url, "0006")
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _out_of_order(url) == {made[2].id, made[4].id}


async def test_sqlite_dates_a_task_as_it_is_written(tmp_path: Path) -> None:
    # A task that waits for the write gate behind another writer is dated when it is
    # written, not before: the history stays in write order, and on the fast path.
    url = databases.sqlite_url(tmp_path)
    user_id = await _sqlite_user(url, "head")
    engine = create_engine(Settings(_env_file=None, data_dir=tmp_path), url)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            user = await session.get(User, user_id)
        assert user is not None
        waiting = asyncio.Event()
        async with sessionmaker() as holder, sessionmaker() as late:
            await holder.execute(update(User).where(User.id == user_id).values(username="held"))
            service = TaskService(late, MemoryEventBus(), LocalAssetStore(tmp_path / "assets"))

            async def create() -> Task:
                waiting.set()
                task = await service.create(user, TaskType.speech, {"prompt": "a lighthouse"})
                await late.commit()
                return task

            creating = asyncio.ensure_future(create())
            await waiting.wait()
            await asyncio.sleep(0.05)  # it is now queued for the gate
            assert not creating.done()
            await holder.commit()  # the gate opens
            released = datetime.now(UTC)
            task = await creating
        assert task.created_at >= released
        assert await _out_of_order(url) == set()
    finally:
        await engine.dispose()
