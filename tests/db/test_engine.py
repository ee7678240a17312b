"""The PostgreSQL pool: its size from settings (connections kept, and a burst's extra),
and a connection that died while idle in it is replaced before anyone uses it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creative_hub.db.engine import create_engine
from creative_hub.db.idle_ping import PING_AFTER_IDLE_SECONDS
from creative_hub.settings import Settings
from tests.support import databases

# As in test_migrations.py: PostgreSQL whenever it is one of the backends under test.
POSTGRES_ONLY = pytest.mark.parametrize(
    "backend", [b for b in databases.backends() if b == "postgresql"]
)


@POSTGRES_ONLY
async def test_the_pool_keeps_its_size_and_lets_a_burst_open_the_overflow_for_a_moment(
    backend: str,
) -> None:
    settings = Settings(_env_file=None, database_pool_size=2, database_max_overflow=1)
    engine = create_engine(settings, databases.postgres_url())
    try:
        held = [await engine.connect() for _ in range(3)]  # two kept, one overflow
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5):
                await engine.connect()  # a fourth waits for one to come back
        for connection in held:
            await connection.close()
        assert engine.pool.checkedin() == 2  # the overflow connection was closed
    finally:
        await engine.dispose()


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


@POSTGRES_ONLY
async def test_a_connection_killed_while_idle_is_replaced_before_use(
    backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server dropped a pooled connection (a restart, a firewall): the next request
    gets a live one, not an error. One used a moment ago is handed out without a ping
    (three round trips on asyncpg, on every chat reply's first token)."""
    settings = Settings(_env_file=None, database_pool_size=1, database_max_overflow=0)
    engine = create_engine(settings, databases.postgres_url())
    pings = 0
    real_ping = engine.sync_engine.dialect.do_ping

    def counted_ping(dbapi_connection: Any) -> bool:
        nonlocal pings
        pings += 1
        return real_ping(dbapi_connection)

    monkeypatch.setattr(engine.sync_engine.dialect, "do_ping", counted_ping)
    try:
        first = await backend_pid(engine)
        assert [await backend_pid(engine) for _ in range(3)] == [first] * 3
        assert pings == 0  # in use moments ago: not pinged
        admin = create_engine(Settings(_env_file=None), databases.postgres_url())
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f"SELECT pg_terminate_backend({first})"))
        finally:
            await admin.dispose()
        await asyncio.sleep(PING_AFTER_IDLE_SECONDS + 0.1)
        second = await backend_pid(engine)  # would raise "connection was closed" unpinged
        assert second != first
        assert pings == 1
    finally:
        await engine.dispose()


@POSTGRES_ONLY
async def test_the_connection_returned_last_is_used_first(backend: str) -> None:
    """So the connections in use stay within the ping's idle window, and a reply's
    history read does not pay a ping because an older spare one came up first."""
    settings = Settings(_env_file=None, database_pool_size=2, database_max_overflow=0)
    engine = create_engine(settings, databases.postgres_url())
    try:
        first, second = await engine.connect(), await engine.connect()
        pids = [(await c.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                for c in (first, second)]  # fmt: skip
        await first.close()
        await second.close()  # returned last
        assert await backend_pid(engine) == pids[1]
    finally:
        await engine.dispose()
