"""Fixtures: real databases (SQLite and PostgreSQL), an app per test, an HTTP client."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from creative_hub.app import create_app
from creative_hub.settings import Settings
from creative_hub.tasks.registry import HandlerRegistry, default_registry
from tests.support import databases
from tests.support.api import BuildApp


@pytest.fixture(autouse=True)
def _restore_signal_handlers() -> Iterator[None]:
    """Put SIGINT/SIGTERM back as they were after each test.

    Each uvicorn server a test starts installs its own handlers and restores the ones it
    found when it stops; servers stopped out of order leave a stopped server's handler
    installed. sse-starlette looks the server up through that handler, sees it shutting
    down, and ends every later event stream in the process at once.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture(scope="session", params=databases.backends())
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated database, once per backend for the whole run."""
    if request.param == "sqlite":
        url = databases.sqlite_url(tmp_path_factory.mktemp("sqlite"))
        await databases.upgrade(url)
        yield url
    elif request.param == "postgresql":
        async with databases.fresh_postgres_database() as url:
            await databases.upgrade(url)
            yield url
    else:
        raise ValueError(f"unknown test backend {request.param!r}")


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(database_url: str, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "data_dir": tmp_path / "data",
            "database_url": database_url,
            "secret_key": SecretStr("test-signing-key-that-is-long-enough-0123456789"),
            "queue_poll_seconds": 0.1,
            "log_level": "WARNING",
            "argon2_time_cost": 1,
            "argon2_memory_kib": 1024,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
async def settings(database_url: str, make_settings: Callable[..., Settings]) -> Settings:
    await databases.empty_tables(database_url)
    return make_settings(database_url)


@pytest.fixture
def handlers() -> HandlerRegistry:
    """The app's job handlers; a test registers its own before the app starts."""
    return default_registry.copy()


@pytest.fixture
def build_app(database_url: str, make_settings: Callable[..., Settings]) -> BuildApp:
    """`async with build_app(handlers=None, **settings) as app:` a started app.

    Tables are emptied before the first build only, so a test can restart an app.
    """
    emptied = False

    @asynccontextmanager
    async def build(
        handlers: HandlerRegistry | None = None, **overrides: Any
    ) -> AsyncIterator[FastAPI]:
        nonlocal emptied
        if not emptied:
            await databases.empty_tables(database_url)
            emptied = True
        application = create_app(make_settings(database_url, **overrides), handlers=handlers)
        async with application.router.lifespan_context(application):
            yield application

    return build


@pytest.fixture
async def app(settings: Settings, handlers: HandlerRegistry) -> AsyncIterator[FastAPI]:
    application = create_app(settings, handlers=handlers)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def live_server(app: FastAPI) -> AsyncIterator[str]:
    """The same app behind a real uvicorn on a free port (for streaming responses)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await serving
