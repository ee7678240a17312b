"""Login throttling: repeated failures lock an account, and an IP, for a while (429)."""

from __future__ import annotations

import uuid

import httpx
import pytest
import redis.asyncio as aioredis

from tests.support import databases
from tests.support.api import BuildApp, assert_error, client_for, register

LIMITS = {"login_max_failures_per_account": 3, "login_max_failures_per_ip": 5}
WINDOW = 120


async def _login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post("/api/auth/login", json={"username": username, "password": password})


def _assert_throttled(r: httpx.Response) -> int:
    error = assert_error(r, 429, "too_many_login_attempts")
    retry_after = int(r.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW
    assert error["details"] == {"retry_after": retry_after}
    assert str(retry_after) in error["message"]
    return retry_after


async def test_an_account_is_locked_after_repeated_failures(build_app: BuildApp) -> None:
    async with (
        build_app(**LIMITS, login_failure_window_seconds=WINDOW) as app,
        client_for(app) as client,
    ):
        await register(client, "alice")
        await register(client, "bob")
        for _ in range(3):
            assert_error(await _login(client, "alice", "wrong-pass"), 401, "invalid_credentials")
        # Locked now, even with the right password (the guesser cannot tell).
        _assert_throttled(await _login(client, "alice", "s3cret-pass"))
        _assert_throttled(await _login(client, "alice", "wrong-pass"))
        # Other accounts from the same address still sign in.
        assert (await _login(client, "bob", "s3cret-pass")).status_code == 200
        # The browser sign-in is throttled the same way.
        r = await client.post(
            "/api/auth/session", json={"username": "alice", "password": "s3cret-pass"}
        )
        _assert_throttled(r)


async def test_username_and_email_count_as_the_same_account(build_app: BuildApp) -> None:
    async with (
        build_app(**LIMITS, login_failure_window_seconds=WINDOW) as app,
        client_for(app) as client,
    ):
        await register(client, "carl")
        await _login(client, "carl", "wrong-pass")
        await _login(client, "carl@example.com", "wrong-pass")
        await _login(client, "CARL", "wrong-pass")
        _assert_throttled(await _login(client, "carl", "s3cret-pass"))
        _assert_throttled(await _login(client, "Carl@Example.com", "s3cret-pass"))


async def test_a_successful_login_clears_the_account_failures(build_app: BuildApp) -> None:
    limits = {**LIMITS, "login_max_failures_per_ip": 100}
    async with (
        build_app(**limits, login_failure_window_seconds=WINDOW) as app,
        client_for(app) as client,
    ):
        await register(client, "dina")
        for _ in range(3):
            for _ in range(2):
                await _login(client, "dina", "wrong-pass")
            assert (await _login(client, "dina", "s3cret-pass")).status_code == 200


async def test_an_address_is_locked_after_failures_across_accounts(build_app: BuildApp) -> None:
    async with (
        build_app(**LIMITS, login_failure_window_seconds=WINDOW) as app,
        client_for(app, "203.0.113.7") as attacker,
        client_for(app, "198.51.100.2") as user,
    ):
        await register(user, "erik")
        # Spraying one guess at many accounts never trips the per-account limit...
        for n in range(5):
            assert_error(await _login(attacker, f"victim{n}", "guess-1234"), 401)
        # ...but the address is locked, for every account.
        _assert_throttled(await _login(attacker, "erik", "s3cret-pass"))
        # Someone else, elsewhere, is not affected.
        assert (await _login(user, "erik", "s3cret-pass")).status_code == 200


async def test_a_throttled_attempt_does_not_check_the_password(build_app: BuildApp) -> None:
    """A locked account answers 429 whatever the password, so guessing gains nothing."""
    async with (
        build_app(**LIMITS, login_failure_window_seconds=WINDOW) as app,
        client_for(app) as client,
    ):
        await register(client, "fred")
        for _ in range(3):
            await _login(client, "fred", "wrong-pass")
        right = await _login(client, "fred", "s3cret-pass")
        wrong = await _login(client, "fred", "wrong-pass")
        assert right.json()["error"]["code"] == wrong.json()["error"]["code"]


@pytest.fixture
async def redis_client() -> aioredis.Redis:
    client = aioredis.from_url(databases.redis_url())
    try:
        await client.ping()
    except Exception as exc:  # pragma: no cover - environment problem
        raise RuntimeError(f"Redis is not reachable at {databases.redis_url()}: {exc}") from exc
    yield client
    await client.aclose()


async def test_throttle_state_is_shared_through_redis(
    build_app: BuildApp, redis_client: aioredis.Redis
) -> None:
    """Two app processes sharing Redis see the same failures."""
    name = f"r{uuid.uuid4().hex[:12]}"
    user_id = "unknown"
    ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    overrides = {
        **LIMITS,
        "login_failure_window_seconds": WINDOW,
        "rate_limit_storage_url": databases.redis_url(),
    }
    try:
        async with (
            build_app(**overrides) as app_a,
            build_app(**overrides) as app_b,
            client_for(app_a, ip) as a,
            client_for(app_b, ip) as b,
        ):
            user_id = (await register(a, name))["user"]["id"]
            assert_error(await _login(a, name, "wrong-pass"), 401)
            assert_error(await _login(b, name, "wrong-pass"), 401)
            assert_error(await _login(a, name, "wrong-pass"), 401)
            keys = [k async for k in redis_client.scan_iter(match=f"*{user_id}*")]
            assert keys, "the failures were not recorded in Redis"
            _assert_throttled(await _login(b, name, "s3cret-pass"))
            _assert_throttled(await _login(a, name, "s3cret-pass"))
    finally:
        for pattern in (f"*{user_id}*", f"*{ip}*"):
            async for key in redis_client.scan_iter(match=pattern):
                await redis_client.delete(key)
