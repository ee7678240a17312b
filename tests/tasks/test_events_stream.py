"""GET /api/tasks/{id}/events streams a task's life over SSE until it ends."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from creative_hub.app import create_app
from creative_hub.settings import Settings
from creative_hub.tasks.registry import HandlerRegistry, default_registry
from tests.support import databases
from tests.support.api import register, wait_for_status
from tests.support.tasks import Script, create_task, install_scripted_handler


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def handlers(script: Script) -> HandlerRegistry:
    registry = default_registry.copy()
    install_scripted_handler(registry, script)
    return registry


async def _read_events(response: httpx.Response) -> list[tuple[str, dict[str, Any]]]:
    events: list[tuple[str, dict[str, Any]]] = []
    name = "message"
    async for line in response.aiter_lines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
            name = "message"
    return events


async def test_events_follow_a_task_to_its_end(
    app: FastAPI, live_server: str, script: Script
) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as client:
        me = await register(client)
        task_id = await create_task(
            app, me["user"]["id"], {"block_before_steps": True, "steps": 4, "sleep": 0.02}
        )
        async with client.stream("GET", f"/api/tasks/{task_id}/events", headers=me["headers"]) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            await wait_for_status(client, task_id, me["headers"], {"running"})
            script.gate.set()
            events = await _read_events(r)
    kinds = [k for k, _ in events]
    assert kinds[0] == "task"
    assert kinds[-1] == "task" and events[-1][1]["status"] == "succeeded"
    assert events[-1][1]["output_data"]["echo"] is None
    progress = [e["progress"] for k, e in events if k == "progress"]
    assert progress == sorted(progress) and progress  # steps arrive in order
    assert all(e["task_id"] == task_id for k, e in events if k == "progress")


async def test_a_finished_task_streams_one_event_and_closes(app: FastAPI, live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as client:
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"prompt": "quick"})
        await wait_for_status(client, task_id, me["headers"], {"succeeded"})
        async with client.stream("GET", f"/api/tasks/{task_id}/events", headers=me["headers"]) as r:
            events = await _read_events(r)
    assert [(k, e["status"]) for k, e in events] == [("task", "succeeded")]


async def test_a_cancelled_task_ends_its_stream(app: FastAPI, live_server: str) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=20) as client:
        me = await register(client)
        task_id = await create_task(app, me["user"]["id"], {"block": True})
        await wait_for_status(client, task_id, me["headers"], {"running"})
        async with client.stream("GET", f"/api/tasks/{task_id}/events", headers=me["headers"]) as r:
            await client.post(f"/api/tasks/{task_id}/cancel", headers=me["headers"])
            events = await _read_events(r)
    assert events[-1][1]["status"] == "cancelled"


async def test_streams_work_across_processes_through_redis(
    database_url: str, make_settings: Callable[..., Settings]
) -> None:
    """Two app instances share only the database and Redis: one runs, the other streams."""
    await databases.empty_tables(database_url)
    script = Script()
    registry = default_registry.copy()
    install_scripted_handler(registry, script)
    common = {"event_bus": "redis", "redis_url": databases.redis_url()}
    worker_app = create_app(make_settings(database_url, **common), handlers=registry)
    web_app = create_app(make_settings(database_url, **common, queue_concurrency=1),
                         handlers=default_registry.copy())  # fmt: skip
    async with (
        worker_app.router.lifespan_context(worker_app),
        web_app.router.lifespan_context(web_app),
    ):
        # The web app has no handler for the task type, so it must not claim: stop its runner.
        await web_app.state.runtime.queue.stop()
        server = uvicorn.Server(uvicorn.Config(web_app, host="127.0.0.1", port=0, lifespan="off",
                                               log_level="warning"))  # fmt: skip
        serving = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=20) as client:
                me = await register(client)
                task_id = await create_task(
                    worker_app, me["user"]["id"], {"block_before_steps": True, "steps": 2}
                )
                async with client.stream(
                    "GET", f"/api/tasks/{task_id}/events", headers=me["headers"]
                ) as r:
                    await wait_for_status(client, task_id, me["headers"], {"running"})
                    script.gate.set()
                    events = await _read_events(r)
        finally:
            server.should_exit = True
            await serving
    assert events[-1][1]["status"] == "succeeded"
    assert any(k == "progress" for k, _ in events)
