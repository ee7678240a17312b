"""After a crash or restart nothing is stuck: queued tasks run, orphaned running ones retry once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus
from creative_hub.models.task import Task
from creative_hub.settings import Settings
from creative_hub.tasks.registry import HandlerRegistry, default_registry
from tests.support.api import BuildApp, client_for, register, wait_for_status
from tests.support.tasks import Script, create_task, install_scripted_handler

DONE = {"succeeded", "failed", "cancelled"}


@pytest.fixture
def running_app(build_app: BuildApp) -> Callable[[Script], Any]:
    """`async with running_app(script) as (app, client)`: start (or restart) the app."""

    @asynccontextmanager
    async def run(
        script: Script, **settings: Any
    ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
        registry: HandlerRegistry = default_registry.copy()
        install_scripted_handler(registry, script)
        async with build_app(handlers=registry, **settings) as app, client_for(app) as client:
            yield app, client

    return run


async def _force(app: FastAPI, task_id: str, **values: Any) -> None:
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(update(Task).where(Task.id == uuid.UUID(task_id)).values(**values))
        await session.commit()


async def test_queued_tasks_left_at_shutdown_run_after_restart(
    running_app: Any, settings: Settings
) -> None:
    script = Script()
    async with running_app(script) as (app, client):
        me = await register(client)
        # Created but never handed to this process's queue, as if it died right after the commit.
        task_id = await create_task(app, me["user"]["id"], {"prompt": "survivor"}, enqueue=False)
        await app.state.runtime.queue.stop()
    async with running_app(script) as (app, client):
        task = await wait_for_status(client, task_id, me["headers"], DONE)
        assert task["status"] == "succeeded"


async def test_a_running_task_orphaned_by_a_crash_is_retried_once(
    running_app: Any, settings: Settings
) -> None:
    script = Script()
    async with running_app(script) as (app, client):
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"prompt": "again"}, enqueue=False)
        # What a killed worker leaves behind: running, one attempt used, no finish.
        await _force(app, task_id, status=TaskStatus.running, attempts=1, started_at=utcnow())
    async with running_app(script) as (app, client):
        task = await wait_for_status(client, task_id, me["headers"], DONE)
        assert task["status"] == "succeeded"
        assert task["attempts"] == 2


async def test_a_task_orphaned_on_its_last_attempt_fails_clearly(
    running_app: Any, settings: Settings
) -> None:
    script = Script()
    async with running_app(script) as (app, client):
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"prompt": "doomed"}, enqueue=False)
        await _force(app, task_id, status=TaskStatus.running, attempts=settings.task_max_attempts)
    async with running_app(script) as (app, client):
        task = await wait_for_status(client, task_id, me["headers"], DONE)
        assert task["status"] == "failed"
        assert task["error"]["code"] == "worker_lost"
        assert "Retry" in task["error"]["message"]
        assert script.started == []


async def test_a_graceful_shutdown_hands_running_tasks_back(
    running_app: Any, settings: Settings
) -> None:
    script = Script()
    async with running_app(script) as (app, client):
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"block": True})
        await wait_for_status(client, task_id, me["headers"], {"running"})
    # Stopped mid-run: queued again, the interrupted try not counted against it.
    script.gate.set()
    async with running_app(script) as (app, client):
        task = await wait_for_status(client, task_id, me["headers"], DONE)
        assert task["status"] == "succeeded"
        assert task["attempts"] == 1


async def test_stale_heartbeats_are_reaped_but_live_ones_are_not(
    running_app: Any, settings: Settings
) -> None:
    script = Script()
    async with running_app(script) as (app, client):
        me = await register(client)
        stale = await create_task(app, me["user"]["id"], {"prompt": "stale"}, enqueue=False)
        live = await create_task(app, me["user"]["id"], {"prompt": "live"}, enqueue=False)
        long_ago = utcnow() - timedelta(seconds=settings.task_stale_seconds * 2)
        await _force(app, stale, status=TaskStatus.running, attempts=1, heartbeat_at=long_ago)
        await _force(app, live, status=TaskStatus.running, attempts=1, heartbeat_at=utcnow())
        recovered = await app.state.runtime.executor.recover(all_running=False)
        assert recovered == 1
        assert (await wait_for_status(client, stale, me["headers"], DONE))["status"] == "succeeded"
        await asyncio.sleep(0.3)
        assert (await client.get(f"/api/tasks/{live}", headers=me["headers"])).json()[
            "status"
        ] == "running"


async def test_cancel_requested_before_a_crash_ends_cancelled(
    running_app: Any, settings: Settings
) -> None:
    script = Script()
    async with running_app(script) as (app, client):
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"prompt": "x"}, enqueue=False)
        await _force(app, task_id, status=TaskStatus.running, attempts=1, cancel_requested=True)
    async with running_app(script) as (app, client):
        task = await wait_for_status(client, task_id, me["headers"], DONE)
        assert task["status"] == "cancelled"


async def test_a_task_past_its_time_limit_fails_with_timeout(running_app: Any) -> None:
    script = Script()
    async with running_app(script, task_timeout_seconds=0.3) as (app, client):
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"block": True})
        task = await wait_for_status(client, task_id, me["headers"], DONE)
        assert task["status"] == "failed"
        assert task["error"]["code"] == "timeout"
        assert script.cancelled_seen  # the handler was actually stopped
