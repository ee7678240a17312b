"""The JobQueue port. The database is the source of truth; a queue only wakes workers."""

from __future__ import annotations

import uuid
from typing import Protocol


class JobQueue(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def enqueue(self, task_id: uuid.UUID) -> None: ...

    def depth(self) -> int:
        """Jobs waiting in this process (not counting ones running)."""
        ...

    def running(self) -> int: ...

    def is_healthy(self) -> bool: ...
