"""The reply pump: pieces in order, written together when they pile up, keep-alives
while the provider is silent, the provider's error where it came."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from creative_hub.chat.pump import ReplyPump
from creative_hub.providers.base import ChatMessage, ProviderError, TextRequest, TextUsage

REQUEST = TextRequest([ChatMessage("user", "hi")])


class Scripted:
    """A provider that yields what the test releases, one step at a time."""

    def __init__(self) -> None:
        self.steps: asyncio.Queue[str | Exception | None] = asyncio.Queue()
        self.closed = False

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncIterator[str]:
        try:
            while (step := await self.steps.get()) is not None:
                if isinstance(step, Exception):
                    raise step
                yield step
        finally:
            self.closed = True


async def _next(batches: AsyncIterator[list[str]]) -> list[str]:
    async with asyncio.timeout(5):
        return await anext(batches)


async def test_pieces_that_arrive_together_come_as_one_batch_in_order() -> None:
    provider = Scripted()
    pump = ReplyPump(provider, REQUEST)
    batches = pump.batches()
    provider.steps.put_nowait("Hel")
    assert await _next(batches) == ["Hel"]
    for piece in ("lo", ", ", "world"):
        provider.steps.put_nowait(piece)
    await asyncio.sleep(0.05)  # the reader is busy elsewhere while they arrive
    assert await _next(batches) == ["lo", ", ", "world"]
    provider.steps.put_nowait(None)
    with pytest.raises(StopAsyncIteration):
        await _next(batches)
    assert provider.closed


async def test_a_silent_provider_gets_keepalives_then_its_error_after_the_text() -> None:
    provider = Scripted()
    pump = ReplyPump(provider, REQUEST, keepalive_seconds=0.05)
    batches = pump.batches()
    provider.steps.put_nowait("Once")
    assert await _next(batches) == ["Once"]
    assert await _next(batches) == []  # nothing for a whole period: keep the line alive
    assert await _next(batches) == []
    provider.steps.put_nowait(" upon")
    provider.steps.put_nowait(ProviderError("provider_unavailable", "it went away"))
    await asyncio.sleep(0.02)
    assert await _next(batches) == [" upon"]
    with pytest.raises(ProviderError, match="it went away"):
        await _next(batches)


async def test_closing_the_pump_closes_the_providers_stream() -> None:
    provider = Scripted()
    pump = ReplyPump(provider, REQUEST)
    provider.steps.put_nowait("a")
    assert await _next(pump.batches()) == ["a"]
    pump.close()
    async with asyncio.timeout(5):
        while not provider.closed:
            await asyncio.sleep(0.01)
