"""Fixtures for remote adapters: a local protocol server, and the hub driven over HTTP.

Each adapter test starts a small ASGI app (Starlette) that speaks the provider's wire
protocol as PROVIDERS.md documents it, then drives the hub end to end: the admin adds
the provider through the API, a user calls chat/images/audio with '<name>/<model>'.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.types import ASGIApp

from tests.support.api import register, wait_for_status

StartServer = Callable[[ASGIApp], Awaitable[str]]


@pytest.fixture
async def protocol_server() -> AsyncIterator[StartServer]:
    """`base_url = await protocol_server(app)`: app on uvicorn, on a free loopback port."""
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def start(app: ASGIApp) -> str:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve())
        while not server.started:
            if serving.done():
                serving.result()  # raises why it could not start
            await asyncio.sleep(0.01)
        servers.append((server, serving))
        port = server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    yield start
    for server, _serving in servers:
        server.should_exit = True
        # Streams a test left hanging must not keep the server from stopping.
        server.force_exit = True
    for _server, serving in servers:
        await serving


@dataclass
class Hub:
    app: FastAPI
    client: httpx.AsyncClient
    admin: dict[str, Any]
    user: dict[str, Any]

    async def add_provider(self, **fields: Any) -> dict[str, Any]:
        """POST /api/admin/providers as the admin; asserts 201."""
        r = await self.client.post(
            "/api/admin/providers", json=fields, headers=self.admin["headers"]
        )
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    async def run(self, path: str, body: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
        """POST a generation request as the user (202) and wait until the task ends."""
        r = await self.client.post(path, json=body, headers=self.user["headers"])
        assert r.status_code == 202, r.text
        done = {"succeeded", "failed", "cancelled"}
        return await wait_for_status(
            self.client, r.json()["id"], self.user["headers"], done, timeout=timeout
        )


async def usage_rows(hub: Hub, task_id: str) -> list[tuple[str, str, str | None, str, float]]:
    """(capability, provider, model, unit, quantity) of the task's usage rows."""
    from sqlalchemy import select

    from creative_hub.models.usage_record import UsageRecord

    async with hub.app.state.runtime.sessionmaker() as session:
        rows = await session.scalars(
            select(UsageRecord).where(UsageRecord.task_id == uuid.UUID(task_id))
        )
        return sorted((r.capability, r.provider, r.model, r.unit, r.quantity) for r in rows)


def sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    """(event, data) pairs of a whole SSE body."""
    events, name = [], "message"
    for line in text.splitlines():
        if line.startswith("event:"):
            name = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            events.append((name, json.loads(line.split(":", 1)[1])))
    return events


async def chat(hub: Hub, model: str, content: str = "Say hello", **convo: Any) -> list[Any]:
    """A new conversation with `model`, one message; the reply's SSE events."""
    r = await hub.client.post(
        "/api/chat/conversations", json={"model": model, **convo}, headers=hub.user["headers"]
    )
    assert r.status_code == 201, r.text
    r = await hub.client.post(
        f"/api/chat/conversations/{r.json()['id']}/messages",
        json={"content": content},
        headers={**hub.user["headers"], "Accept": "text/event-stream"},
    )
    assert r.status_code == 200, r.text
    return sse(r.text)


async def chat_and_stop(
    hub: Hub, live_server: str, model: str, stop_after: int, on_stop: Callable[[], None]
) -> tuple[list[str], dict[str, Any]]:
    """Stream a reply over a real socket; after `stop_after` deltas POST .../stop, then
    call on_stop (which lets the fake server send on). Returns (deltas, final message)."""
    headers = hub.user["headers"]
    deltas: list[str] = []
    done: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=live_server, timeout=30) as client:
        r = await client.post("/api/chat/conversations", json={"model": model}, headers=headers)
        convo = r.json()["id"]
        async with client.stream(
            "POST",
            f"/api/chat/conversations/{convo}/messages",
            json={"content": "hi"},
            headers={**headers, "Accept": "text/event-stream"},
        ) as response:
            event = ""
            async for line in response.aiter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data = json.loads(line.split(":", 1)[1])
                    if event == "delta":
                        deltas.append(data["content"])
                        if len(deltas) == stop_after:
                            stop = await client.post(
                                f"/api/chat/conversations/{convo}/stop", headers=headers
                            )
                            assert stop.status_code == 202
                            on_stop()
                    elif event == "done":
                        done = data["message"]
    return deltas, done


async def eventually(check: Callable[[], bool]) -> bool:
    """Whether check() becomes true within a few seconds (work on another task)."""
    for _ in range(500):
        if check():
            return True
        await asyncio.sleep(0.01)
    return check()


@pytest.fixture
async def hub(app: FastAPI, client: httpx.AsyncClient) -> Hub:
    admin = await register(client, "admin")  # the first account is the superuser
    user = await register(client)
    return Hub(app=app, client=client, admin=admin, user=user)
