"""Fixtures for remote adapters: a local protocol server, and the hub driven over HTTP.

Each adapter test starts a small ASGI app (Starlette) that speaks the provider's wire
protocol as PROVIDERS.md documents it, then drives the hub end to end: the admin adds
the provider through the API, a user calls chat/images/audio with '<name>/<model>'.
"""

from __future__ import annotations

import asyncio
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


@pytest.fixture
async def hub(app: FastAPI, client: httpx.AsyncClient) -> Hub:
    admin = await register(client, "admin")  # the first account is the superuser
    user = await register(client)
    return Hub(app=app, client=client, admin=admin, user=user)
