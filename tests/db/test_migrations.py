"""The migration chain on real SQLite and PostgreSQL: reversible, and equal to the models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from creative_hub.db import migrate
from creative_hub.db.base import Base
from creative_hub.db.migrate import include_object
from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.tasks.search import search_clause, search_terms, search_values
from tests.support import databases

EXPECTED_TABLES = {
    "users", "tasks", "workflows", "assets", "api_keys", "refresh_tokens", "web_sessions",
    "conversations", "messages", "usage_records", "providers", "task_counts",
}  # fmt: skip


@pytest.fixture(params=databases.backends())
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield databases.sqlite_url(tmp_path)
    else:
        async with databases.fresh_postgres_database("ch_migr") as url:
            yield url


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    unmanaged = ("alembic_version", "tasks_fts", "tasks_grams_fts", "tasks_out_of_order")
    return {n for n in names if not n.startswith(unmanaged)}


async def _diff(url: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(
                        c, opts={"include_object": include_object, "compare_type": True}
                    ),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    url = empty_database
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _tables(url) == EXPECTED_TABLES
    await asyncio.to_thread(migrate.downgrade, url, "base")
    assert await _tables(url) == set()
    await asyncio.to_thread(migrate.upgrade, url)
    assert await _tables(url) == EXPECTED_TABLES


async def test_models_and_migrations_do_not_differ(empty_database: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_database)
    assert await _diff(empty_database) == []


@pytest.mark.parametrize("backend", [b for b in databases.backends() if b == "postgresql"])
async def test_postgres_uses_native_types(backend: str) -> None:
    async with databases.fresh_postgres_database("ch_types") as url:
        await _check_native_types(url)


async def _check_native_types(url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            cols = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_name = 'tasks'"
                        )
                    )
                ).all()
            )
            enums = set(
                (
                    await conn.execute(text("SELECT typname FROM pg_type WHERE typtype = 'e'"))
                ).scalars()
            )
            indexes = set(
                (
                    await conn.execute(
                        text("SELECT indexname FROM pg_indexes WHERE tablename = 'tasks'")
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    assert cols["id"] == "uuid"
    assert cols["input_data"] == "jsonb"
    assert cols["status"] == "USER-DEFINED"
    assert {"task_type", "task_status", "workflow_status", "workflow_step"} <= enums
    assert {"ix_tasks_user_created", "ix_tasks_user_type_created", "ix_tasks_user_status_created",
            "ix_tasks_search_text_trgm", "ix_tasks_search_grams"} <= indexes  # fmt: skip


async def test_search_upgrade_folds_case_and_indexes_old_chinese_tasks(
    empty_database: str,
) -> None:
    """Tasks written before 0004 are found by the new search: lower-cased, with bigrams."""
    url = empty_database
    await asyncio.to_thread(migrate.upgrade, url, "0003")
    # The tasks table as it was at 0003: every column but search_grams, no ORM defaults.
    old_tasks = sa.table(
        "tasks", *(sa.column(c.name, c.type) for c in Task.__table__.c if c.name != "search_grams")
    )
    now = utcnow()
    user_id, task_id = uuid.uuid4(), uuid.uuid4()
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(User.__table__).values(
                    id=user_id,
                    email="old@example.com",
                    username="old",
                    hashed_password="x",
                    is_active=True,
                    is_superuser=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            await conn.execute(
                sa.insert(old_tasks).values(
                    id=task_id,
                    user_id=user_id,
                    task_type=TaskType.speech,
                    status=TaskStatus.succeeded,
                    input_data={},
                    output_urls=[],
                    search_text="A Lighthouse 在灯塔下",
                    progress=100,
                    attempts=1,
                    cancel_requested=False,
                    created_at=now,
                    updated_at=now,
                )
            )
        await asyncio.to_thread(migrate.upgrade, url)
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(Task.search_text, Task.search_grams).where(Task.id == task_id)
                )
            ).one()
            assert tuple(row) == ("a lighthouse 在灯塔下", "在灯 灯塔 塔下")
            dialect = conn.dialect.name
            for q in ("LIGHTHOUSE", "灯塔", "塔下 lighthouse"):
                terms = search_terms(q)
                assert terms is not None
                condition = search_clause(dialect, terms.shape)
                found = await conn.scalars(
                    sa.select(Task.id).where(condition), search_values(dialect, terms)
                )
                assert list(found) == [task_id], q
    finally:
        await engine.dispose()
