"""POST /api/auth/register: who may sign up, and what a bad request gets back."""

from __future__ import annotations

import asyncio

import httpx

from tests.support.api import assert_error, register


def _body(name: str, password: str = "s3cret-pass", email: str | None = None) -> dict[str, str]:
    return {
        "email": f"{name}@example.com" if email is None else email,
        "username": name,
        "password": password,
    }


async def _login_status(client: httpx.AsyncClient, username: str, password: str) -> int:
    r = await client.post("/api/auth/login", json={"username": username, "password": password})
    return r.status_code


async def test_first_user_administers_the_hub_and_the_next_does_not(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post("/api/auth/register", json=_body("ada"))
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["username"] == "ada"
    assert first["email"] == "ada@example.com"
    assert first["is_superuser"] is True
    assert first["is_active"] is True
    assert first["id"] and first["created_at"]
    assert not {"password", "hashed_password"} & set(first)
    assert "s3cret-pass" not in r.text

    r = await client.post("/api/auth/register", json=_body("bob"))
    assert r.status_code == 201, r.text
    assert r.json()["is_superuser"] is False


async def test_simultaneous_first_registrations_make_one_administrator(
    client: httpx.AsyncClient,
) -> None:
    names = [f"racer{i}" for i in range(6)]
    responses = await asyncio.gather(
        *(client.post("/api/auth/register", json=_body(n)) for n in names)
    )
    assert [r.status_code for r in responses] == [201] * len(names)
    assert sum(r.json()["is_superuser"] for r in responses) == 1


async def test_username_and_email_are_stored_lower_case(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/auth/register", json=_body("MixedCase", email="Mixed.Case@Example.COM")
    )
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "mixedcase"
    assert r.json()["email"] == "mixed.case@example.com"
    # Either spelling signs in.
    assert await _login_status(client, "MIXEDCASE", "s3cret-pass") == 200
    assert await _login_status(client, "MIXED.CASE@example.com", "s3cret-pass") == 200


async def test_a_taken_email_is_a_409_even_in_another_case(client: httpx.AsyncClient) -> None:
    await register(client, "carol")
    r = await client.post(
        "/api/auth/register",
        json=_body("carol2", email="CAROL@example.com", password="other-pass-1"),
    )
    assert_error(r, 409, "email_taken")
    # The existing account keeps its password; no second account was made.
    assert await _login_status(client, "carol2", "other-pass-1") == 401
    assert await _login_status(client, "carol", "s3cret-pass") == 200


async def test_a_taken_username_is_a_409_even_in_another_case(client: httpx.AsyncClient) -> None:
    await register(client, "dave")
    r = await client.post(
        "/api/auth/register", json=_body("DAVE", email="dave2@example.com", password="other-pass-1")
    )
    assert_error(r, 409, "username_taken")
    assert await _login_status(client, "dave2@example.com", "other-pass-1") == 401


WEAK_PASSWORDS = {
    "too short": "Xy7!abc",
    "one character repeated": "aaaaaaaaaaaaaaaa",
    "two characters repeated": "abababababab",
    "empty": "",
    "too long": "x" * 257,
}


async def test_a_weak_password_is_refused_without_echoing_it(client: httpx.AsyncClient) -> None:
    for case, password in WEAK_PASSWORDS.items():
        r = await client.post("/api/auth/register", json=_body("erin", password=password))
        error = assert_error(r, 422, "validation_error")
        assert [d["field"] for d in error["details"]] == ["password"], case
        assert "password" in error["message"], case
        assert all(d["message"] for d in error["details"]), case
        if password:
            assert password not in r.text, case
    assert await _login_status(client, "erin", "aaaaaaaaaaaaaaaa") == 401


async def test_a_bad_username_is_refused(client: httpx.AsyncClient) -> None:
    for username in ("ab", "has space", "at@sign", "x" * 33, "semi;colon", "", "emoji🙂"):
        r = await client.post("/api/auth/register", json=_body(username, email="frank@example.com"))
        error = assert_error(r, 422, "validation_error")
        assert [d["field"] for d in error["details"]] == ["username"], username
        assert "s3cret-pass" not in r.text
    assert await _login_status(client, "frank@example.com", "s3cret-pass") == 401


async def test_a_bad_email_is_refused(client: httpx.AsyncClient) -> None:
    for email in ("not-an-email", "a@", "@example.com", "a b@example.com", "", "a@b@example.com"):
        r = await client.post("/api/auth/register", json=_body("gina", email=email))
        error = assert_error(r, 422, "validation_error")
        assert [d["field"] for d in error["details"]] == ["email"], email
    assert await _login_status(client, "gina", "s3cret-pass") == 401


async def test_every_bad_field_is_reported_at_once(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/auth/register", json={"email": "nope", "username": "a", "password": "short"}
    )
    error = assert_error(r, 422, "validation_error")
    assert sorted(d["field"] for d in error["details"]) == ["email", "password", "username"]
    assert "short" not in r.text


async def test_missing_and_mistyped_fields_are_422(client: httpx.AsyncClient) -> None:
    error = assert_error(
        await client.post("/api/auth/register", json={"username": "hank"}), 422, "validation_error"
    )
    assert sorted(d["field"] for d in error["details"]) == ["email", "password"]
    error = assert_error(
        await client.post(
            "/api/auth/register",
            json={"email": "hank@example.com", "username": 12345, "password": ["s3cret-pass"]},
        ),
        422,
        "validation_error",
    )
    assert sorted(d["field"] for d in error["details"]) == ["password", "username"]
    assert "s3cret-pass" not in str(error)
