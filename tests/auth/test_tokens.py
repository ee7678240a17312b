"""Sign-in, access tokens, refresh rotation, logout, and tokens that must not work."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, update

from creative_hub.auth import security
from creative_hub.kit.time import utcnow
from creative_hub.models.user import User
from tests.support.api import assert_error, register


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _login(
    client: httpx.AsyncClient, username: str, password: str = "s3cret-pass"
) -> httpx.Response:
    return await client.post("/api/auth/login", json={"username": username, "password": password})


async def _refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post("/api/auth/refresh", json={"refresh_token": token})


async def _me(client: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await client.get("/api/auth/me", headers=bearer(access_token))


async def test_login_by_username_or_email_returns_a_token_pair(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client, "ivy")
    for login in ("ivy", "IVY", "ivy@example.com", " Ivy@Example.com "):
        r = await _login(client, login)
        assert r.status_code == 200, (login, r.text)
        body = r.json()
        assert body["token_type"] == "bearer"
        assert body["expires_in"] == app.state.runtime.settings.access_token_ttl_seconds
        assert body["refresh_token"] and body["access_token"]
        me = await _me(client, body["access_token"])
        assert me.status_code == 200
        assert me.json()["id"] == user["user"]["id"]


async def test_a_wrong_password_and_an_unknown_user_look_the_same(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "jack")
    wrong = assert_error(await _login(client, "jack", "wrong-password"), 401, "invalid_credentials")
    unknown = assert_error(
        await _login(client, "nobody", "wrong-password"), 401, "invalid_credentials"
    )
    assert wrong["message"] == unknown["message"]
    assert "wrong-password" not in str(wrong)


async def test_login_needs_both_fields(client: httpx.AsyncClient) -> None:
    error = assert_error(
        await client.post("/api/auth/login", json={"username": "jack"}), 422, "validation_error"
    )
    assert [d["field"] for d in error["details"]] == ["password"]
    assert_error(
        await client.post("/api/auth/login", json={"username": "", "password": ""}),
        422,
        "validation_error",
    )


async def test_refresh_rotates_the_pair(client: httpx.AsyncClient) -> None:
    user = await register(client, "kate")
    first = user["tokens"]
    r = await _refresh(client, first["refresh_token"])
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert (await _me(client, second["access_token"])).status_code == 200
    # The new refresh token rotates again.
    r = await _refresh(client, second["refresh_token"])
    assert r.status_code == 200, r.text


async def test_a_reused_refresh_token_ends_the_whole_sign_in(client: httpx.AsyncClient) -> None:
    user = await register(client, "liam")
    stolen = user["tokens"]["refresh_token"]
    newer = (await _refresh(client, stolen)).json()["refresh_token"]

    assert_error(await _refresh(client, stolen), 401, "token_revoked")
    # The legitimate holder's newer token died with it: the thief cannot keep it alive either.
    assert_error(await _refresh(client, newer), 401, "token_revoked")
    # Other sign-ins of the same user are unaffected.
    other = (await _login(client, "liam")).json()["refresh_token"]
    assert (await _refresh(client, other)).status_code == 200


async def test_racing_requests_with_one_refresh_token_rotate_it_at_most_once(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "lola")
    token = user["tokens"]["refresh_token"]
    results = await asyncio.gather(*(_refresh(client, token) for _ in range(4)))
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(200) <= 1, [r.text for r in results]
    assert statuses.count(401) >= 3
    for r in results:
        if r.status_code == 401:
            assert_error(r, 401, "token_revoked")
    # One token used twice is treated as stolen: nothing minted from it survives.
    for r in results:
        if r.status_code == 200:
            assert_error(await _refresh(client, r.json()["refresh_token"]), 401, "token_revoked")


async def test_logout_revokes_the_refresh_token(client: httpx.AsyncClient) -> None:
    user = await register(client, "mia")
    token = user["tokens"]["refresh_token"]
    rotated = (await _refresh(client, token)).json()["refresh_token"]
    r = await client.post("/api/auth/logout", json={"refresh_token": rotated})
    assert r.status_code == 204
    assert r.content == b""
    error = assert_error(await _refresh(client, rotated), 401)
    assert error["code"] in {"token_revoked", "invalid_token"}
    # Logging out twice, or with a token we never issued, is harmless.
    assert (
        await client.post("/api/auth/logout", json={"refresh_token": rotated})
    ).status_code == 204
    assert (
        await client.post("/api/auth/logout", json={"refresh_token": "junk"})
    ).status_code == 204


async def test_a_made_up_refresh_token_is_refused(client: httpx.AsyncClient) -> None:
    await register(client, "noah")
    assert_error(await _refresh(client, "not-a-token"), 401, "invalid_token")
    assert_error(await client.post("/api/auth/refresh", json={}), 422, "validation_error")


async def test_an_expired_refresh_token_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    from creative_hub.models.refresh_token import RefreshToken

    user = await register(client, "olga")
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.token_hash == security.digest(user["tokens"]["refresh_token"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    assert_error(await _refresh(client, user["tokens"]["refresh_token"]), 401, "token_expired")


async def test_requests_without_credentials_are_401(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/auth/me")
    assert_error(r, 401, "not_authenticated")
    assert r.headers["www-authenticate"] == "Bearer"
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "token-without-scheme"):
        r = await client.get("/api/auth/me", headers={"Authorization": header})
        assert_error(r, 401, "invalid_token")


async def test_an_expired_access_token_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    user = await register(client, "pia")
    key = app.state.runtime.settings.signing_key()
    token = security.create_access_token(uuid.UUID(user["user"]["id"]), key, -1)
    error = assert_error(await _me(client, token), 401, "token_expired")
    assert "refresh" in error["message"].lower()


async def test_a_forged_or_tampered_access_token_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client, "quinn")
    user_id = uuid.UUID(user["user"]["id"])
    forged = security.create_access_token(user_id, "some-other-key-" + "x" * 40, 600)
    assert_error(await _me(client, forged), 401, "invalid_token")
    # Forged and expired: still "invalid", never a hint to refresh.
    forged_expired = security.create_access_token(user_id, "some-other-key-" + "x" * 40, -1)
    assert_error(await _me(client, forged_expired), 401, "invalid_token")

    # Flip the payload to someone else, keeping the real signature.
    real = user["tokens"]["access_token"]
    header, _payload, signature = real.split(".")
    other_payload = jwt.encode(
        {"sub": str(uuid.uuid4()), "type": "access", "exp": 9999999999}, "k" * 40
    ).split(".")[1]
    assert_error(await _me(client, f"{header}.{other_payload}.{signature}"), 401, "invalid_token")

    # Unsigned ('alg: none') and wrong-type tokens.
    key = app.state.runtime.settings.signing_key()
    unsigned = jwt.encode(
        {"sub": str(user_id), "type": "access", "exp": 9999999999}, None, algorithm="none"
    )
    assert_error(await _me(client, unsigned), 401, "invalid_token")
    refresh_typed = jwt.encode({"sub": str(user_id), "type": "refresh", "exp": 9999999999}, key)
    assert_error(await _me(client, refresh_typed), 401, "invalid_token")
    bad_sub = jwt.encode({"sub": "not-a-uuid", "type": "access", "exp": 9999999999}, key)
    assert_error(await _me(client, bad_sub), 401, "invalid_token")
    no_exp = jwt.encode({"sub": str(user_id), "type": "access"}, key)
    assert_error(await _me(client, no_exp), 401, "invalid_token")
    assert_error(await _me(client, "garbage"), 401, "invalid_token")


async def test_tokens_of_a_deleted_user_stop_working(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client, "rosa")
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(delete(User).where(User.id == uuid.UUID(user["user"]["id"])))
        await session.commit()
    assert_error(await _me(client, user["tokens"]["access_token"]), 401, "invalid_token")
    assert_error(await _refresh(client, user["tokens"]["refresh_token"]), 401, "invalid_token")
    assert_error(await _login(client, "rosa"), 401, "invalid_credentials")


async def test_a_disabled_user_cannot_sign_in_or_use_old_tokens(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client, "sam")
    async with app.state.runtime.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == uuid.UUID(user["user"]["id"])).values(is_active=False)
        )
        await session.commit()
    assert_error(await _me(client, user["tokens"]["access_token"]), 401, "invalid_token")
    assert_error(await _refresh(client, user["tokens"]["refresh_token"]), 401, "invalid_token")
    assert_error(await _login(client, "sam"), 403, "account_disabled")
    # The wrong password still says only "wrong".
    assert_error(await _login(client, "sam", "wrong-password"), 401, "invalid_credentials")


def test_a_remembered_token_still_expires_and_still_needs_the_right_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "k" * 48
    token = security.create_access_token(uuid.uuid4(), key, ttl_seconds=60)
    claims = security.decode_access_token(token, key)
    assert claims is not None
    assert security.decode_access_token(token, key) == claims  # from the cache now
    assert security.decode_access_token(token, "another-key" * 4) is None

    class Later:
        @staticmethod
        def time() -> float:
            return float(claims["exp"]) + 1

    monkeypatch.setattr(security, "time", Later)
    with pytest.raises(security.AccessTokenExpired):
        security.decode_access_token(token, key)
