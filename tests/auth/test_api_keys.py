"""API keys: shown once, stored hashed, listed by prefix, usable as a bearer token, revocable."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from creative_hub.auth import security
from creative_hub.kit.time import utcnow
from creative_hub.models.api_key import ApiKey
from tests.support.api import assert_error, register


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _create(client: httpx.AsyncClient, headers: dict[str, str], name: str = "script") -> dict:
    r = await client.post("/api/auth/api-keys", json={"name": name}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_new_key_is_shown_once_and_listed_by_prefix_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client, "cleo")
    created = await _create(client, user["headers"], "render farm")
    key = created["key"]
    assert key.startswith("chk_") and len(key) > 40
    assert created["prefix"] == key[:10]
    assert created["name"] == "render farm"
    assert created["expires_at"] is None and created["last_used_at"] is None

    r = await client.get("/api/auth/api-keys", headers=user["headers"])
    assert r.status_code == 200
    page = r.json()
    assert page["next_cursor"] is None
    [listed] = page["items"]
    assert set(listed) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"}
    assert listed["id"] == created["id"] and listed["prefix"] == created["prefix"]
    assert key not in r.text
    assert security.digest(key) not in r.text

    # Only the hash is stored.
    async with app.state.runtime.sessionmaker() as session:
        row = await session.scalar(select(ApiKey).where(ApiKey.id == uuid.UUID(created["id"])))
    assert row is not None
    assert row.key_hash == security.digest(key) and key not in (row.key_hash, row.prefix)


async def test_a_key_works_as_a_bearer_token(client: httpx.AsyncClient) -> None:
    user = await register(client, "dora")
    key = (await _create(client, user["headers"]))["key"]
    r = await client.get("/api/auth/me", headers=bearer(key))
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "dora"
    [listed] = (await client.get("/api/auth/api-keys", headers=bearer(key))).json()["items"]
    assert listed["last_used_at"] is not None
    # A key can do what a token can, e.g. change the account's name.
    r = await client.patch("/api/auth/me", json={"username": "dora2"}, headers=bearer(key))
    assert r.status_code == 200, r.text


async def test_a_deleted_key_stops_working(client: httpx.AsyncClient) -> None:
    user = await register(client, "eli")
    created = await _create(client, user["headers"])
    keep = await _create(client, user["headers"], "keep")
    r = await client.delete(f"/api/auth/api-keys/{created['id']}", headers=user["headers"])
    assert r.status_code == 204
    assert_error(
        await client.get("/api/auth/me", headers=bearer(created["key"])), 401, "invalid_token"
    )
    assert (await client.get("/api/auth/me", headers=bearer(keep["key"]))).status_code == 200
    items = (await client.get("/api/auth/api-keys", headers=user["headers"])).json()["items"]
    assert [k["id"] for k in items] == [keep["id"]]
    # Deleting it again: it is gone.
    r = await client.delete(f"/api/auth/api-keys/{created['id']}", headers=user["headers"])
    assert_error(r, 404, "api_key_not_found")


async def test_another_users_key_is_not_found_and_survives(client: httpx.AsyncClient) -> None:
    owner = await register(client, "fay")
    intruder = await register(client, "gus")
    created = await _create(client, owner["headers"])
    r = await client.delete(f"/api/auth/api-keys/{created['id']}", headers=intruder["headers"])
    assert_error(r, 404, "api_key_not_found")
    r_unknown = await client.delete(
        f"/api/auth/api-keys/{uuid.uuid4()}", headers=intruder["headers"]
    )
    # Not found looks the same whether the key exists or not.
    assert r.json() == r_unknown.json()
    assert (await client.get("/api/auth/me", headers=bearer(created["key"]))).status_code == 200
    assert (await client.get("/api/auth/api-keys", headers=intruder["headers"])).json()[
        "items"
    ] == []
    assert_error(
        await client.delete("/api/auth/api-keys/not-a-uuid", headers=owner["headers"]),
        422,
        "validation_error",
    )


async def test_made_up_and_expired_keys_are_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client, "hal")
    assert_error(
        await client.get("/api/auth/me", headers=bearer("chk_made-up")), 401, "invalid_token"
    )
    r = await client.post(
        "/api/auth/api-keys",
        json={"name": "short-lived", "expires_in_days": 1},
        headers=user["headers"],
    )
    assert r.status_code == 201
    created = r.json()
    assert created["expires_at"] is not None
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == uuid.UUID(created["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    assert_error(
        await client.get("/api/auth/me", headers=bearer(created["key"])), 401, "token_expired"
    )


async def test_bad_key_requests_are_422(client: httpx.AsyncClient) -> None:
    user = await register(client, "ian")
    for body in ({}, {"name": ""}, {"name": "x" * 101}, {"name": "k", "expires_in_days": 0}):
        r = await client.post("/api/auth/api-keys", json=body, headers=user["headers"])
        assert_error(r, 422, "validation_error")
    assert (await client.get("/api/auth/api-keys", headers=user["headers"])).json()["items"] == []


async def test_keys_need_a_signed_in_user(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/auth/api-keys"), 401)
    assert_error(await client.post("/api/auth/api-keys", json={"name": "x"}), 401)
