"""The PostgreSQL pool takes its size from settings: connections kept, and a burst's extra."""

from __future__ import annotations

import asyncio

import pytest

from creative_hub.db.engine import create_engine
from creative_hub.settings import Settings
from tests.support import databases


# As in test_migrations.py: PostgreSQL whenever it is one of the backends under test.
@pytest.mark.parametrize("backend", [b for b in databases.backends() if b == "postgresql"])
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
