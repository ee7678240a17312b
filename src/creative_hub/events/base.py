"""The EventBus port: fire-and-forget JSON events on named channels."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

Event = dict[str, Any]


class EventBus(Protocol):
    async def publish(self, channel: str, event: Event) -> None: ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[Event]]:
        """Subscribe before reading current state, so no event falls in between."""
        ...

    async def close(self) -> None: ...

    async def ping(self) -> bool: ...


def task_channel(task_id: object) -> str:
    return f"task:{task_id}"


def user_channel(user_id: object) -> str:
    return f"user:{user_id}"


CONTROL_CHANNEL = "control"
