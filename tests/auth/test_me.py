"""GET/PATCH /api/auth/me: reading and changing your own account."""

from __future__ import annotations

import httpx

from tests.support.api import assert_error, register


async def _login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"username": username, "password": password})


async def _me(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    r = await client.get("/api/auth/me", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


async def test_me_shows_the_account_without_secrets(client: httpx.AsyncClient) -> None:
    user = await register(client, "tara")
    me = await _me(client, user["headers"])
    assert me == user["user"]
    assert set(me) == {"id", "email", "username", "is_active", "is_superuser", "created_at"}


async def test_change_username_and_email(client: httpx.AsyncClient) -> None:
    user = await register(client, "uma")
    r = await client.patch(
        "/api/auth/me",
        json={"username": "Uma.New", "email": "Uma.New@Example.com"},
        headers=user["headers"],
    )
    assert r.status_code == 200, r.text
    assert r.json()["username"] == "uma.new"
    assert r.json()["email"] == "uma.new@example.com"
    assert (await _me(client, user["headers"]))["username"] == "uma.new"
    assert (await _login(client, "uma.new", "s3cret-pass")).status_code == 200
    assert (await _login(client, "uma.new@example.com", "s3cret-pass")).status_code == 200
    assert_error(await _login(client, "uma", "s3cret-pass"), 401, "invalid_credentials")
    # The old names are free for someone else now.
    await register(client, "uma")


async def test_an_empty_patch_changes_nothing(client: httpx.AsyncClient) -> None:
    user = await register(client, "vera")
    r = await client.patch("/api/auth/me", json={}, headers=user["headers"])
    assert r.status_code == 200
    assert r.json()["username"] == "vera"
    # Setting your own current name is not a conflict.
    r = await client.patch(
        "/api/auth/me",
        json={"username": "VERA", "email": "vera@example.com"},
        headers=user["headers"],
    )
    assert r.status_code == 200, r.text


async def test_taking_someone_elses_name_or_email_is_a_409(client: httpx.AsyncClient) -> None:
    await register(client, "walt")
    user = await register(client, "xena")
    assert_error(
        await client.patch("/api/auth/me", json={"username": "WALT"}, headers=user["headers"]),
        409,
        "username_taken",
    )
    assert_error(
        await client.patch(
            "/api/auth/me", json={"email": "walt@example.com"}, headers=user["headers"]
        ),
        409,
        "email_taken",
    )
    me = await _me(client, user["headers"])
    assert (me["username"], me["email"]) == ("xena", "xena@example.com")


async def test_bad_values_are_422_and_change_nothing(client: httpx.AsyncClient) -> None:
    user = await register(client, "yuri")
    for body, field in (
        ({"username": "no spaces"}, "username"),
        ({"email": "not-an-email"}, "email"),
        ({"username": 42}, "username"),
        ({"current_password": "s3cret-pass", "new_password": "short"}, "new_password"),
    ):
        r = await client.patch("/api/auth/me", json=body, headers=user["headers"])
        error = assert_error(r, 422, "validation_error")
        assert [d["field"] for d in error["details"]] == [field]
        assert "s3cret-pass" not in r.text
    assert (await _me(client, user["headers"]))["username"] == "yuri"
    assert (await _login(client, "yuri", "s3cret-pass")).status_code == 200


async def test_a_new_password_needs_the_current_one(client: httpx.AsyncClient) -> None:
    user = await register(client, "zoe")
    for body in (
        {"new_password": "brand-new-pass"},
        {"new_password": "brand-new-pass", "current_password": "wrong-password"},
    ):
        r = await client.patch("/api/auth/me", json=body, headers=user["headers"])
        error = assert_error(r, 400, "invalid_current_password")
        assert error["details"] == {"field": "current_password"}
        assert "wrong-password" not in r.text and "brand-new-pass" not in r.text
    assert (await _login(client, "zoe", "s3cret-pass")).status_code == 200
    assert_error(await _login(client, "zoe", "brand-new-pass"), 401, "invalid_credentials")


async def test_a_refused_password_change_changes_nothing_else_either(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client, "abe")
    r = await client.patch(
        "/api/auth/me",
        json={
            "username": "abe2",
            "email": "abe2@example.com",
            "new_password": "brand-new-pass",
            "current_password": "wrong-password",
        },
        headers=user["headers"],
    )
    assert_error(r, 400, "invalid_current_password")
    me = await _me(client, user["headers"])
    assert (me["username"], me["email"]) == ("abe", "abe@example.com")


async def test_changing_the_password_signs_out_other_devices(client: httpx.AsyncClient) -> None:
    user = await register(client, "bea")
    other_device = (await _login(client, "bea", "s3cret-pass")).json()
    r = await client.patch(
        "/api/auth/me",
        json={"current_password": "s3cret-pass", "new_password": "brand-new-pass"},
        headers=user["headers"],
    )
    assert r.status_code == 200, r.text
    assert "brand-new-pass" not in r.text

    assert_error(await _login(client, "bea", "s3cret-pass"), 401, "invalid_credentials")
    assert (await _login(client, "bea", "brand-new-pass")).status_code == 200
    for refresh_token in (user["tokens"]["refresh_token"], other_device["refresh_token"]):
        r = await client.post("/api/auth/refresh", json={"refresh_token": refresh_token})
        assert_error(r, 401, "token_revoked")
