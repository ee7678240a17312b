"""Real databases for tests: a SQLite file, and a fresh PostgreSQL database per run."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from creative_hub.db import migrate

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

# Tables emptied between tests, children first.
TABLES = (
    "usage_records", "messages", "conversations", "assets", "tasks", "task_counts", "workflows",
    "web_sessions", "refresh_tokens", "api_keys", "users", "providers",
)  # fmt: skip


def backends() -> list[str]:
    raw = os.environ.get("CREATIVE_HUB_TEST_BACKENDS", "sqlite,postgresql")
    return [b.strip() for b in raw.split(",") if b.strip()]


def postgres_url() -> str:
    return os.environ.get("CREATIVE_HUB_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def redis_url() -> str:
    return os.environ.get("CREATIVE_HUB_TEST_REDIS_URL", DEFAULT_REDIS_URL)


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres_database(prefix: str = "ch_test") -> AsyncIterator[str]:
    """CREATE DATABASE for this run, DROP it after. Fails loudly if PostgreSQL is absent."""
    base = postgres_url()
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin = await asyncpg.connect(_asyncpg_dsn(base), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        raise RuntimeError(
            f"PostgreSQL is not reachable at {base} ({exc}). Start it, point "
            "CREATIVE_HUB_TEST_POSTGRES_URL at one, or set CREATIVE_HUB_TEST_BACKENDS=sqlite."
        ) from exc
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        admin = await asyncpg.connect(_asyncpg_dsn(base), timeout=5)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'test.db'}"


async def upgrade(url: str) -> None:
    # Alembic's env.py runs its own event loop: give it a thread.
    await asyncio.to_thread(migrate.upgrade, url)


async def empty_tables(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            if url.startswith("postgresql"):
                await conn.execute(text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
            else:
                for table in TABLES:
                    await conn.execute(text(f"DELETE FROM {table}"))
    finally:
        await engine.dispose()
