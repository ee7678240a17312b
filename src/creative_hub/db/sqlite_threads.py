"""SQLite: at most two calls at a time in aiosqlite's threads, per engine; no trip to the
thread for a commit or rollback with no transaction open.

aiosqlite gives every connection its own thread, and every call (open a cursor,
execute, fetch, commit) is a trip to it. Those threads need the GIL to start a call and
to hand its result back, so with many connections busy at once they queue for the GIL
with the event loop, and the handing over costs more than the calls: the history page
at 50 connections served 290 req/s with 20 connections in use and 520 with two
(docs/performance.md, session 7). Two keeps one call in SQLite's C code (which runs
without the GIL) beside the event loop's Python, and one free for reads when the other
waits on a write lock held by another process. The pool keeps its size, so a session
opened inside another (which a pool of two would deadlock) still gets a connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from sqlalchemy.engine import make_url

CONCURRENT_CALLS = 2
# Every connection's settings, applied in its thread as it opens. Through SQLAlchemy's
# connect event they were ten trips to the thread, each waiting its turn for the limit
# behind the queries of 50 busy connections: the request that opened a connection
# waited 150-250 ms (a pool grows, and overflow connections reopen, under load).
PRAGMAS = (
    "PRAGMA busy_timeout=30000",  # first: the switch to WAL may wait on another connection
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
)
_WAL_RETRIES = 20
# aiosqlite.connect's default: rows fetched per trip when a cursor is iterated.
_ITER_CHUNK_SIZE = 64


class _LimitedConnection(aiosqlite.Connection):
    def __init__(
        self, connector: Callable[[], sqlite3.Connection], limit: asyncio.Semaphore
    ) -> None:
        super().__init__(connector, _ITER_CHUNK_SIZE)
        self._limit = limit

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        async with self._limit:
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    # SQLAlchemy registers its functions on every new connection. Registering is instant;
    # waiting its turn behind the queries is not (below).
    async def create_function(
        self, name: str, num_params: int, func: Callable[..., Any], deterministic: bool = False
    ) -> None:
        await super()._execute(  # type: ignore[no-untyped-call]
            self._conn.create_function, name, num_params, func, deterministic=deterministic
        )

    # SQLAlchemy commits every session and rolls back every connection it returns to the
    # pool. Outside a transaction (a request that only read) sqlite3 does nothing for
    # either, after a trip to the thread each: skip the trips. A chat reply's request
    # session ends between the provider call and the response's start, so these two
    # trips stood before its first token: +6.1 to +6.7 -> +4.8 to +5.5 ms over a direct
    # call (issue 7). No call on this connection is in flight while SQLAlchemy commits or
    # rolls back, so the flag is safe to read from here.
    async def commit(self) -> None:
        if self._in_transaction():
            await super().commit()

    async def rollback(self) -> None:
        if self._in_transaction():
            await super().rollback()

    def _in_transaction(self) -> bool:
        return self._connection is None or self._connection.in_transaction


def _apply(connection: sqlite3.Connection, pragma: str) -> None:
    # Connections opened together on a new file race to switch it to WAL, and SQLite
    # answers the losers "database is locked" without waiting; by the retry it is done.
    for attempt in range(_WAL_RETRIES):
        try:
            connection.execute(pragma)
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == _WAL_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))  # this connection's own thread


def limited_connector(
    url: str, *, timeout: float, limit: int = CONCURRENT_CALLS
) -> Callable[[], Awaitable[aiosqlite.Connection]]:
    """An async_creator for create_async_engine: connections that share one limit, opened
    with the arguments SQLAlchemy's dialect derives from the URL (file, uri, threads)."""
    parsed = make_url(url)
    args, options = parsed.get_dialect()().create_connect_args(parsed)
    kwargs: dict[str, Any] = {**options, "timeout": timeout}
    (database,) = args
    semaphore = asyncio.Semaphore(limit)

    def open_in_thread() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        try:
            for pragma in PRAGMAS:
                _apply(connection, pragma)
        except BaseException:
            connection.close()
            raise
        return connection

    async def connect() -> aiosqlite.Connection:
        connection = _LimitedConnection(open_in_thread, semaphore)
        connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect does
        return await connection

    return connect
