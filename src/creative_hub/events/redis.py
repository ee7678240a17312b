"""Redis pub/sub event bus: workers on any machine publish, any web process streams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

import orjson
import redis.asyncio as aioredis

from creative_hub.events.base import Event


class RedisEventBus:
    def __init__(self, url: str, prefix: str = "creative_hub:") -> None:
        self._redis = aioredis.Redis.from_url(url)
        self._prefix = prefix

    async def publish(self, channel: str, event: Event) -> None:
        await self._redis.publish(self._prefix + channel, orjson.dumps(event))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[Event]]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self._prefix + channel)

        async def events() -> AsyncIterator[Event]:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield cast(Event, orjson.loads(cast(Any, message)["data"]))

        try:
            yield events()
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def close(self) -> None:
        await self._redis.aclose()

    async def ping(self) -> bool:
        return bool(await self._redis.ping())
