"""SQLite: one writing transaction at a time per process, queued in asyncio.

SQLite allows one writer. A second connection that wants to write waits in SQLite's
busy handler, which sleeps 1, 2, 5, 10 ... 100 ms between tries: with 20 requests
submitting at once that turned a 3 ms request into 0.5-1.5 s. Here a session takes
the process's write gate (an asyncio lock, FIFO, woken the moment it is free) before
its first write, and gives it back when its transaction ends. SQLite's busy handler
still arbitrates between processes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import Delete, Insert, Update
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.kit.errors import AppError

# Longer than any single write transaction should ever take: a session that waits
# this long is stuck behind one that never ends (a bug), and fails instead of hanging.
_GATE_TIMEOUT_SECONDS = 30.0


class WriteGate:
    def __init__(self) -> None:
        self.lock = asyncio.Lock()


class GatedSession(AsyncSession):
    """An AsyncSession that holds its engine's WriteGate from first write to the end."""

    def __init__(self, *args: Any, write_gate: WriteGate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gate = write_gate
        self._holding = False

    async def hold_write_gate(self) -> None:
        """Before a session's first write (execute does it for INSERT/UPDATE/DELETE)."""
        if self._holding:
            return
        # Connection first, then the gate, always in this order: a gate holder must
        # never wait for a pooled connection held by a session waiting for the gate.
        await self.connection()
        try:
            # asyncio.timeout, not wait_for: wait_for (3.11) can swallow a cancellation
            # that arrives as the lock is granted, and a job runner's stop then never ends.
            async with asyncio.timeout(_GATE_TIMEOUT_SECONDS):
                await self._gate.lock.acquire()
        except TimeoutError:
            raise AppError(
                "The database stayed busy for too long; try again.",
                code="database_busy",
                status_code=503,
            ) from None
        self._holding = True

    def _release(self) -> None:
        if self._holding:
            self._holding = False
            self._gate.lock.release()

    def _has_pending(self) -> bool:
        sync = self.sync_session
        return bool(sync.new or sync.dirty or sync.deleted)

    async def _gate_if_writing(self, statement: Any = None) -> None:
        # Pending objects mean an autoflush (a write) before the statement runs.
        if isinstance(statement, Insert | Update | Delete) or self._has_pending():
            await self.hold_write_gate()

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        await self._gate_if_writing(statement)
        return await super().execute(statement, *args, **kwargs)

    async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        await self._gate_if_writing(statement)
        return await super().scalar(statement, *args, **kwargs)

    async def scalars(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        await self._gate_if_writing(statement)
        return await super().scalars(statement, *args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        await self._gate_if_writing()
        return await super().get(*args, **kwargs)

    async def flush(self, objects: Any = None) -> None:
        await self._gate_if_writing()
        await super().flush(objects)

    async def commit(self) -> None:
        await self._gate_if_writing()
        try:
            await super().commit()
        finally:
            self._release()

    async def rollback(self) -> None:
        try:
            await super().rollback()
        finally:
            self._release()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._release()
