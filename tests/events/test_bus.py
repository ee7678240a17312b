"""Both event buses deliver to subscribers of a channel and to no one else."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from creative_hub.events.base import EventBus
from creative_hub.events.memory import MemoryEventBus
from creative_hub.events.redis import RedisEventBus
from tests.support.databases import redis_url


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[EventBus]:
    if request.param == "memory":
        instance: EventBus = MemoryEventBus()
    else:
        instance = RedisEventBus(redis_url(), prefix=f"test-{uuid.uuid4().hex}:")
        assert await instance.ping(), f"Redis is not reachable at {redis_url()}"
    yield instance
    await instance.close()


async def _collect(
    bus: EventBus, channel: str, n: int, ready: asyncio.Event
) -> list[dict[str, object]]:
    got: list[dict[str, object]] = []
    async with bus.subscribe(channel) as events:
        ready.set()
        async for event in events:
            got.append(event)
            if len(got) == n:
                return got
    return got


async def test_subscribers_get_their_channel_in_order(bus: EventBus) -> None:
    ready_a, ready_b = asyncio.Event(), asyncio.Event()
    a = asyncio.create_task(_collect(bus, "task:a", 3, ready_a))
    b = asyncio.create_task(_collect(bus, "task:b", 1, ready_b))
    await ready_a.wait()
    await ready_b.wait()
    for i in range(3):
        await bus.publish("task:a", {"n": i, "text": "咖啡"})
    await bus.publish("task:b", {"only": "b"})
    got_a, got_b = await asyncio.wait_for(asyncio.gather(a, b), timeout=5)
    assert got_a == [{"n": 0, "text": "咖啡"}, {"n": 1, "text": "咖啡"}, {"n": 2, "text": "咖啡"}]
    assert got_b == [{"only": "b"}]


async def test_publishing_with_no_subscriber_is_harmless(bus: EventBus) -> None:
    await bus.publish("task:nobody", {"x": 1})
    assert await bus.ping()


async def test_unsubscribed_channels_receive_nothing_more(bus: EventBus) -> None:
    ready = asyncio.Event()
    first = asyncio.create_task(_collect(bus, "task:c", 1, ready))
    await ready.wait()
    await bus.publish("task:c", {"first": True})
    assert await asyncio.wait_for(first, timeout=5) == [{"first": True}]
    # After the subscriber left, a new one sees only what comes next.
    ready2 = asyncio.Event()
    second = asyncio.create_task(_collect(bus, "task:c", 1, ready2))
    await ready2.wait()
    await bus.publish("task:c", {"second": True})
    assert await asyncio.wait_for(second, timeout=5) == [{"second": True}]
