"""`creative-hub users create-admin` (and `db upgrade`) against a real SQLite database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner, Result

from creative_hub.app import create_app
from creative_hub.cli import app as cli
from creative_hub.settings import Settings, get_settings
from tests.support.api import assert_error


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the CLI at a fresh SQLite file; returns its URL."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli' / 'hub.db'}"
    monkeypatch.setenv("CREATIVE_HUB_DATABASE_URL", url)
    monkeypatch.setenv("CREATIVE_HUB_DATA_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("CREATIVE_HUB_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("CREATIVE_HUB_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setenv("CREATIVE_HUB_LOG_LEVEL", "WARNING")
    get_settings.cache_clear()  # settings are read once per process
    yield url
    get_settings.cache_clear()


async def invoke(*args: str, stdin: str | None = None) -> Result:
    # The command runs its own event loop: give it a thread.
    return await asyncio.to_thread(CliRunner().invoke, cli, list(args), input=stdin)


async def _migrate(url: str) -> None:
    r = await invoke("db", "upgrade")
    assert r.exit_code == 0, r.output
    assert "upgraded" in r.output


async def test_create_admin_makes_a_superuser_who_can_sign_in(
    cli_env: str, make_settings: Callable[..., Settings]
) -> None:
    await _migrate(cli_env)
    r = await invoke(
        "users", "create-admin", "--email", "Root@Example.com", "--username", "Root",
        "--password-stdin", stdin="correct horse battery\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "created administrator" in r.output
    assert "correct horse battery" not in r.output

    app = create_app(make_settings(cli_env))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            login = await client.post(
                "/api/auth/login", json={"username": "root", "password": "correct horse battery"}
            )
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            me = (await client.get("/api/auth/me", headers=headers)).json()
            assert me["is_superuser"] is True
            assert (me["username"], me["email"]) == ("root", "root@example.com")
            # The admin exists, so the first person to register is an ordinary user.
            r = await client.post(
                "/api/auth/register",
                json={"email": "first@example.com", "username": "first", "password": "s3cret-pass"},
            )
            assert r.status_code == 201, r.text
            assert r.json()["is_superuser"] is False


async def test_create_admin_refuses_a_taken_name_and_a_weak_password(cli_env: str) -> None:
    await _migrate(cli_env)
    args = [
        "users",
        "create-admin",
        "--email",
        "a@example.com",
        "--username",
        "admin",
        "--password-stdin",
    ]
    assert (await invoke(*args, stdin="s3cret-pass\n")).exit_code == 0

    r = await invoke(*args, stdin="s3cret-pass\n")
    assert r.exit_code == 1
    assert "already exists" in r.output
    assert "Traceback" not in r.output

    r = await invoke(
        "users", "create-admin", "--email", "b@example.com", "--username", "admin2",
        "--password-stdin", stdin="short\n",
    )  # fmt: skip
    assert r.exit_code == 1
    assert "at least 8 characters" in r.output
    assert "Traceback" not in r.output

    r = await invoke(
        "users", "create-admin", "--email", "not-an-email", "--username", "admin3",
        "--password-stdin", stdin="s3cret-pass\n",
    )  # fmt: skip
    assert r.exit_code == 1
    assert "email" in r.output.lower()


async def test_create_admin_on_an_unmigrated_database_fails_clearly(cli_env: str) -> None:
    r = await invoke(
        "users", "create-admin", "--email", "a@example.com", "--username", "admin",
        "--password-stdin", stdin="s3cret-pass\n",
    )  # fmt: skip
    assert r.exit_code == 1
    assert "error:" in r.output
    assert "db upgrade" in r.output
    assert "Traceback" not in r.output


async def test_a_weak_admin_cannot_be_signed_in_to(
    cli_env: str, make_settings: Callable[..., Settings]
) -> None:
    """A refused create-admin leaves no account behind."""
    await _migrate(cli_env)
    await invoke(
        "users", "create-admin", "--email", "a@example.com", "--username", "admin",
        "--password-stdin", stdin="aaaaaaaaaaaa\n",
    )  # fmt: skip
    app = create_app(make_settings(cli_env))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            r = await client.post(
                "/api/auth/login", json={"username": "admin", "password": "aaaaaaaaaaaa"}
            )
            assert_error(r, 401, "invalid_credentials")


async def test_serve_refuses_several_workers_without_the_redis_bus(cli_env: str) -> None:
    r = await invoke("serve", "--workers", "2", "--no-migrate")
    assert r.exit_code == 2
    assert "CREATIVE_HUB_EVENT_BUS=redis" in r.output
