"""Who may treat every "running" task as orphaned at start-up.

Several job runners may share one database: `serve --workers N`, or many machines on
PostgreSQL. A runner that starts while others run must not requeue their tasks, so
only a runner that finds itself alone recovers every running task; the others
recover only tasks whose heartbeat went stale (the executor's housekeeping does that
too, later, for a runner that dies while the others live).

Every live runner holds a shared lock for its whole life. A starting runner first
tries the exclusive lock: it gets it only when no other runner is alive, recovers,
then turns it into a shared lock before it starts taking jobs.
- SQLite (one machine): flock on a file beside the database file.
- PostgreSQL (any number of machines): an advisory lock on a connection of its own.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# An arbitrary constant that names "the job runners of this database" to PostgreSQL.
_ADVISORY_KEY = 0x43484A4F42  # "CHJOB"


class RunnerLock(Protocol):
    async def acquire(self) -> bool:
        """Hold the shared lock; True if this runner was alone when it started."""
        ...

    async def promote_done(self) -> None:
        """After recovery: let other runners start (exclusive -> shared)."""
        ...

    async def release(self) -> None: ...


class FileRunnerLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._exclusive = False

    async def acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Another runner is alive (or recovering: wait for it to finish).
            await asyncio.to_thread(fcntl.flock, self._fd, fcntl.LOCK_SH)
            return False
        self._exclusive = True
        return True

    async def promote_done(self) -> None:
        if self._fd is not None and self._exclusive:
            # Not atomic, and needs not be: this runner has claimed no task yet, so a
            # runner that slips in and recovers everything finds only true orphans.
            await asyncio.to_thread(fcntl.flock, self._fd, fcntl.LOCK_SH)
            self._exclusive = False

    async def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


class PostgresRunnerLock:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None
        self._exclusive = False

    async def _run(self, sql: str) -> Any:
        assert self._conn is not None
        result = await self._conn.execute(text(sql), {"key": _ADVISORY_KEY})
        await self._conn.commit()  # session-level locks outlive the transaction
        return result.scalar()

    async def acquire(self) -> bool:
        self._conn = await self.engine.connect()
        if await self._run("SELECT pg_try_advisory_lock(:key)"):
            self._exclusive = True
            return True
        await self._run("SELECT pg_advisory_lock_shared(:key)")
        return False

    async def promote_done(self) -> None:
        if self._conn is not None and self._exclusive:
            # Take the shared lock before dropping the exclusive one: no gap at all.
            await self._run("SELECT pg_advisory_lock_shared(:key)")
            await self._run("SELECT pg_advisory_unlock(:key)")
            self._exclusive = False

    async def release(self) -> None:
        if self._conn is not None:
            await self._conn.close()  # the session ends, and its locks with it
            self._conn = None


def runner_lock_for(database_url: str, engine: AsyncEngine) -> RunnerLock:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresRunnerLock(engine)
    database = url.database or ""
    if not database or database == ":memory:":
        # A private in-memory database has one runner by construction.
        return _AloneLock()
    return FileRunnerLock(Path(f"{database}.runner.lock"))


class _AloneLock:
    async def acquire(self) -> bool:
        return True

    async def promote_done(self) -> None:
        return None

    async def release(self) -> None:
        return None
