"""Helpers to drive the API as a user would."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

_counter = itertools.count(1)

# The build_app fixture: `async with build_app(handlers=None, **settings) as app`.
BuildApp = Callable[..., AbstractAsyncContextManager[FastAPI]]


async def register(
    client: httpx.AsyncClient, name: str | None = None, password: str = "s3cret-pass"
) -> dict[str, Any]:
    """Register and sign in a new user; returns {user, headers, tokens, password}."""
    name = name or f"user{next(_counter)}"
    r = await client.post(
        "/api/auth/register",
        json={"email": f"{name}@example.com", "username": name, "password": password},
    )
    assert r.status_code == 201, r.text
    login = await client.post("/api/auth/login", json={"username": name, "password": password})
    assert login.status_code == 200, login.text
    tokens = login.json()
    return {
        "user": r.json(),
        "tokens": tokens,
        "password": password,
        "headers": {"Authorization": f"Bearer {tokens['access_token']}"},
    }


async def wait_for_status(
    client: httpx.AsyncClient,
    task_id: str,
    headers: dict[str, str],
    statuses: set[str],
    timeout: float = 15.0,
) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        r = await client.get(f"/api/tasks/{task_id}", headers=headers)
        assert r.status_code == 200, r.text
        task = r.json()
        if task["status"] in statuses:
            return task
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"task stayed {task['status']}, wanted {statuses}: {task}")
        await asyncio.sleep(0.05)


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"], body
    if code is not None:
        assert body["error"]["code"] == code, body
    return body["error"]


def client_for(app: FastAPI, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    """A client for app whose requests come from the given IP address."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def run_task(
    client: httpx.AsyncClient,
    me: dict[str, Any],
    path: str,
    body: dict[str, Any],
    timeout: float = 180.0,
) -> dict[str, Any]:
    """POST a generation request (202), wait for the task and insist that it succeeded."""
    r = await client.post(path, json=body, headers=me["headers"])
    assert r.status_code == 202, r.text
    done = {"succeeded", "failed", "cancelled"}
    task = await wait_for_status(client, r.json()["id"], me["headers"], done, timeout=timeout)
    assert task["status"] == "succeeded", task
    return task


async def download(client: httpx.AsyncClient, me: dict[str, Any], url: str, path: Path) -> Path:
    r = await client.get(url, headers=me["headers"])
    assert r.status_code == 200, r.text
    path.write_bytes(r.content)
    return path


async def upload(client: httpx.AsyncClient, me: dict[str, Any], data: bytes, name: str) -> str:
    """Upload a file as `me`; returns the asset id."""
    r = await client.post("/api/assets", files={"file": (name, data)}, headers=me["headers"])
    assert r.status_code == 201, r.text
    return str(r.json()["id"])
