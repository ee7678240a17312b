"""The per-process user cache: saves a query per request, never serves a stale account."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, update

from creative_hub.models.user import User
from tests.support.api import assert_error, register


@contextmanager
def _selects_from(app: FastAPI, table: str) -> Iterator[list[str]]:
    """Every SELECT on `table` the app runs inside the block."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement:
            seen.append(statement)

    engine = app.state.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_known_user_is_not_read_again_on_each_request(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await register(client)
    assert (await client.get("/api/auth/me", headers=user["headers"])).status_code == 200
    with _selects_from(app, "users") as selects:
        for _ in range(3):
            r = await client.get("/api/tasks", headers=user["headers"])
            assert r.status_code == 200
    assert selects == []


async def test_a_deactivation_applies_to_the_very_next_request(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await register(client)
    assert (await client.get("/api/auth/me", headers=user["headers"])).status_code == 200
    async with app.state.runtime.sessionmaker() as session:
        row = await session.get(User, uuid.UUID(user["user"]["id"]))
        assert row is not None
        row.is_active = False
        await session.commit()
    assert_error(await client.get("/api/auth/me", headers=user["headers"]), 401, "invalid_token")


async def test_an_update_statement_on_users_also_applies_at_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    user = await register(client)
    assert (await client.get("/api/auth/me", headers=user["headers"])).status_code == 200
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == uuid.UUID(user["user"]["id"])).values(username="renamed")
        )
        await session.commit()
    me = await client.get("/api/auth/me", headers=user["headers"])
    assert me.json()["username"] == "renamed"


async def test_a_change_through_the_api_shows_in_the_next_read(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert (await client.get("/api/auth/me", headers=user["headers"])).status_code == 200
    r = await client.patch("/api/auth/me", json={"username": "newname"}, headers=user["headers"])
    assert r.status_code == 200, r.text
    me = await client.get("/api/auth/me", headers=user["headers"])
    assert me.json()["username"] == "newname"


async def _browser(client: httpx.AsyncClient, username: str) -> dict[str, str]:
    r = await client.post(
        "/api/auth/session", json={"username": username, "password": "s3cret-pass"}
    )
    assert r.status_code == 200, r.text
    client.cookies.clear()
    return {
        "Cookie": f"ch_session={r.cookies['ch_session']}",
        "X-CSRF-Token": r.json()["csrf_token"],
    }


async def test_a_browser_session_is_read_once_and_a_sign_out_applies_at_once(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    await register(client, "cachedsession")
    browser = await _browser(client, "cachedsession")
    assert (await client.get("/api/auth/me", headers=browser)).status_code == 200
    with _selects_from(app, "web_sessions") as selects:
        for _ in range(3):
            assert (await client.get("/api/tasks", headers=browser)).status_code == 200
    assert selects == []
    assert (await client.delete("/api/auth/session", headers=browser)).status_code == 204
    assert_error(await client.get("/api/auth/me", headers=browser), 401, "session_expired")


async def test_a_password_change_ends_other_browsers_at_once(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "cachedpw")
    here, there = await _browser(client, "cachedpw"), await _browser(client, "cachedpw")
    assert (await client.get("/api/auth/me", headers=there)).status_code == 200  # cached now
    r = await client.patch(
        "/api/auth/me",
        json={"current_password": user["password"], "new_password": "another-pass-1"},
        headers=here,
    )
    assert r.status_code == 200, r.text
    assert_error(await client.get("/api/auth/me", headers=there), 401, "session_expired")
