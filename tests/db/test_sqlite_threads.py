"""SQLite connections share a limit on calls in flight (db/sqlite_threads.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from creative_hub.db.engine import create_engine
from creative_hub.db.sqlite_threads import CONCURRENT_CALLS
from creative_hub.settings import Settings
from tests.support import databases


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The app's engine on a new SQLite file (connections share the call limit)."""
    engine = create_engine(
        Settings(_env_file=None, data_dir=tmp_path), databases.sqlite_url(tmp_path)
    )
    yield engine
    await engine.dispose()


async def test_calls_on_many_connections_run_two_at_a_time_and_all_finish(
    engine: AsyncEngine,
) -> None:
    lock = threading.Lock()
    running = 0
    most = 0

    def slow_call() -> None:  # stands in for a query, in the connection's thread
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.05)
        with lock:
            running -= 1

    async def one() -> int:
        async with engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection
            await driver._execute(slow_call)  # type: ignore[union-attr]
            value = await connection.scalar(text("SELECT 1"))
            return int(value)

    async with asyncio.timeout(10):
        results = await asyncio.gather(*(one() for _ in range(8)))
    assert results == [1] * 8
    assert most == CONCURRENT_CALLS
    # The pool keeps its own size: eight connections were open at once.
    assert engine.pool.checkedin() == 8


async def test_a_session_opened_inside_others_still_gets_a_connection(engine: AsyncEngine) -> None:
    # The limit is on calls, not connections: three nested connections (more than the
    # limit) do not wait for each other.
    async with asyncio.timeout(10):
        async with engine.connect() as a, engine.connect() as b, engine.connect() as c:
            for connection in (a, b, c):
                assert await connection.scalar(text("SELECT 2")) == 2


async def test_writes_still_commit_and_roll_back_and_reads_skip_the_trips(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (body TEXT)"))
    async with engine.begin() as connection:  # commits on leaving
        await connection.execute(text("INSERT INTO notes VALUES ('kept')"))
    async with engine.connect() as connection:
        await connection.execute(text("INSERT INTO notes VALUES ('undone')"))
        await connection.rollback()
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT body FROM notes"))).scalars().all()
        assert rows == ["kept"]
        driver = (await connection.get_raw_connection()).driver_connection
        calls: list[str] = []
        original = driver._execute  # type: ignore[union-attr]

        async def counting(fn: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(getattr(fn, "__name__", repr(fn)))
            return await original(fn, *args, **kwargs)

        driver._execute = counting  # type: ignore[union-attr]
        await connection.commit()  # nothing written: no trip to the thread
        await connection.rollback()
        assert calls == []
        driver._execute = original  # type: ignore[union-attr]


async def test_a_new_connection_opens_set_up_while_queries_hold_the_limit(
    engine: AsyncEngine,
) -> None:
    # A connection opened under load (the pool growing) neither waits its turn for its
    # set-up nor lacks it: WAL, foreign keys, the busy timeout, SQLAlchemy's functions.
    release = threading.Event()
    held = asyncio.Event()
    holding = 0

    async def hold() -> None:
        nonlocal holding
        async with engine.connect() as connection:
            driver = (await connection.get_raw_connection()).driver_connection

            def blocked() -> None:  # a query that runs until released
                release.wait(10)

            call = asyncio.ensure_future(driver._execute(blocked))  # type: ignore[union-attr]
            holding += 1
            if holding == CONCURRENT_CALLS:
                held.set()
            await call

    holders = [asyncio.ensure_future(hold()) for _ in range(CONCURRENT_CALLS)]
    try:
        async with asyncio.timeout(10):
            await held.wait()
            await asyncio.sleep(0.05)  # both blocked calls are in their threads
            async with engine.connect() as fresh:
                await fresh.get_raw_connection()
                assert not any(h.done() for h in holders)  # set up while the limit was held
                release.set()
                pragmas = {
                    name: await fresh.scalar(text(f"PRAGMA {name}"))
                    for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
                }
                assert pragmas == {
                    "journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000,
                    "synchronous": 1,
                }  # fmt: skip
                # SQLAlchemy's regexp function was registered on it.
                assert await fresh.scalar(text("SELECT 'abc' REGEXP 'b'")) == 1
            await asyncio.gather(*holders)
    finally:
        release.set()
