"""SQLite: at most two calls at a time in aiosqlite's threads, per engine.

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
from collections.abc import Awaitable, Callable
from typing import Any

import aiosqlite
from sqlalchemy.engine import make_url

CONCURRENT_CALLS = 2
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

    async def connect() -> aiosqlite.Connection:
        connection = _LimitedConnection(lambda: sqlite3.connect(database, **kwargs), semaphore)
        connection._thread.daemon = True  # as SQLAlchemy's aiosqlite dialect does
        return await connection

    return connect
