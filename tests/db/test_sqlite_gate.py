"""SQLite writers queue in the process (db/sqlite_gate.py): all finish, none deadlocks."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from creative_hub.db.engine import create_sessionmaker
from creative_hub.kit.time import utcnow
from creative_hub.models.user import User
from tests.support import databases


async def test_many_concurrent_writers_on_a_small_pool_all_commit(tmp_path: Path) -> None:
    url = databases.sqlite_url(tmp_path)
    await databases.upgrade(url)
    # Fewer connections than writers: a writer holding the gate must never wait for a
    # connection held by a writer waiting for the gate.
    engine = create_async_engine(url, pool_size=2, max_overflow=0, pool_timeout=10)
    sessionmaker = create_sessionmaker(engine)

    async def write(i: int) -> None:
        async with sessionmaker() as session:
            if i % 2:  # some read first (holding a connection), some write first
                await session.scalar(select(func.count()).select_from(User))
            now = utcnow()
            session.add(
                User(
                    id=uuid.uuid4(),
                    email=f"w{i}@example.com",
                    username=f"w{i}",
                    hashed_password="x",
                    is_active=True,
                    is_superuser=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            await asyncio.sleep(0)  # let the others interleave while the write is open
            await session.commit()

    try:
        await asyncio.gather(*(write(i) for i in range(30)))
        async with sessionmaker() as session:
            assert await session.scalar(select(func.count()).select_from(User)) == 30
    finally:
        await engine.dispose()
