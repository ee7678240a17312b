"""Ping a pooled server connection before use only if it sat idle for a while.

A connection can die while it sits in the pool (the server restarted, a firewall dropped
an idle socket), and SQLAlchemy's pool_pre_ping tests every one before every use. With
asyncpg that test is three round trips (BEGIN, an empty query, ROLLBACK): 0.33 ms of the
0.95 ms a one-query session takes here, on the first token's path of every chat reply
(issue 7). A connection checked in moments ago was working then, so it is handed out as
it is, the way HikariCP skips its test for connections used within the last 500 ms.
If one of those turns out dead, SQLAlchemy sees the disconnect, that request fails, and
the pool replaces every connection older than it.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine

PING_AFTER_IDLE_SECONDS = 1.0
_IDLE_SINCE = "creative_hub_idle_since"


def ping_idle_connections(
    engine: AsyncEngine, after_seconds: float = PING_AFTER_IDLE_SECONDS
) -> None:
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        if idle_since is None or time.monotonic() - idle_since < after_seconds:
            return  # new, or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.DisconnectionError(f"idle connection failed its ping: {error}") from error
        if not alive:
            raise exc.DisconnectionError("idle connection failed its ping")
