"""Shared plumbing for local engines: load once, lazily, off the event loop; bound concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from creative_hub.providers.local import cpu

T = TypeVar("T")


class LazyEngine(Generic[T]):
    """Holds a heavy object (a model) built on first use in a thread, shared by all jobs.

    `slots` bounds how many jobs use it at once: CPU engines gain nothing from more
    parallel calls than cores, and each call may hold a lot of memory.
    """

    def __init__(self, load: Callable[[], T], slots: int = 1) -> None:
        self._load = load
        self._value: T | None = None
        self._lock = asyncio.Lock()
        self.slots = asyncio.Semaphore(slots)

    @property
    def loaded(self) -> bool:
        return self._value is not None

    async def get(self) -> T:
        if self._value is None:
            async with self._lock:
                if self._value is None:
                    self._value = await cpu.run(self._load)
        return self._value
