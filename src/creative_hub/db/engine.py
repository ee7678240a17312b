"""Engine and session factory; SQLite gets WAL and foreign keys."""

from __future__ import annotations

import weakref
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

from creative_hub.db.idle_ping import ping_idle_connections
from creative_hub.db.sqlite_gate import GatedSession, WriteGate
from creative_hub.db.sqlite_threads import limited_connector
from creative_hub.settings import Settings


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    url = url or settings.resolved_database_url
    kwargs: dict[str, Any] = {
        "echo": settings.database_echo,
        # orjson: JSON columns (task input/output) are read on every history page.
        "json_serializer": lambda value: orjson.dumps(value).decode(),
        "json_deserializer": orjson.loads,
    }
    # Overflow connections are closed when returned, so a pool smaller than the usual
    # concurrency reconnects all the time: on PostgreSQL a connect and re-prepared
    # statements (20 chat replies at once: 180-205 ms to the first token with 10,
    # 110-114 ms with 20; issue 7); on SQLite a new thread and four PRAGMAs (history
    # page, 50 connections: 434 req/s with SQLAlchemy's default 5 + 10, 517 with 20 + 10).
    kwargs.update(
        pool_size=settings.database_pool_size, max_overflow=settings.database_max_overflow
    )
    if is_sqlite(url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Connections that share a limit on calls in flight (sqlite_threads.py). A file
        # cannot drop a connection the way a server can: no ping.
        kwargs["async_creator"] = limited_connector(url, timeout=30)
        return create_async_engine(url, **kwargs)
    # The connection returned last is handed out first: the busy ones stay within the
    # idle ping's window, the spare ones age and get checked (idle_ping.py).
    kwargs["pool_use_lifo"] = True
    engine = create_async_engine(url, **kwargs)
    ping_idle_connections(engine)
    return engine


_gates: weakref.WeakKeyDictionary[Engine, WriteGate] = weakref.WeakKeyDictionary()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    if engine.dialect.name == "sqlite":
        # Writers queue in asyncio, not in SQLite's sleeping busy handler (sqlite_gate.py).
        gate = _gates.setdefault(engine.sync_engine, WriteGate())
        return async_sessionmaker(
            engine, class_=GatedSession, expire_on_commit=False, write_gate=gate
        )
    return async_sessionmaker(engine, expire_on_commit=False)
