"""kit/sse.ClosingStreamingResponse: a client that leaves ends the stream quietly, a
shutdown's cancellation still goes through, and `on_close` runs either way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from creative_hub.kit.sse import ClosingStreamingResponse

SCOPE: dict[str, Any] = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}}


class Stream:
    """A body that sends one event, then waits until told to go on."""

    def __init__(self) -> None:
        self.go_on = asyncio.Event()
        self.closed = False
        self.on_close_ran = False
        self.sent: list[dict[str, Any]] = []
        self.disconnect = asyncio.Event()

    async def body(self) -> AsyncIterator[bytes]:
        try:
            yield b"event: start\r\n\r\n"
            await self.go_on.wait()
            yield b"event: done\r\n\r\n"
        finally:
            self.closed = True

    async def on_close(self) -> None:
        await asyncio.sleep(0)  # an await here must work after a cancellation
        self.on_close_ran = True

    async def receive(self) -> dict[str, Any]:
        await self.disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    def response(self) -> ClosingStreamingResponse:
        return ClosingStreamingResponse(self.body(), on_close=self.on_close)

    async def streaming(self) -> asyncio.Task[None]:
        """The response, running, its first event sent."""
        task = asyncio.create_task(self.response()(SCOPE, self.receive, self.send))
        while len(self.sent) < 2 and not task.done():
            await asyncio.sleep(0.001)
        return task


async def test_a_stream_that_ends_sends_everything_and_runs_on_close() -> None:
    s = Stream()
    s.go_on.set()
    await asyncio.wait_for(s.response()(SCOPE, s.receive, s.send), 5)
    assert [m.get("body") for m in s.sent[1:]] == [
        b"event: start\r\n\r\n",
        b"event: done\r\n\r\n",
        b"",
    ]
    assert s.closed and s.on_close_ran


async def test_a_client_that_leaves_ends_the_stream_quietly() -> None:
    s = Stream()
    task = await s.streaming()
    s.disconnect.set()
    await asyncio.wait_for(task, 5)  # returns: no CancelledError escapes to the server
    assert not task.cancelled()
    assert s.closed and s.on_close_ran
    assert b"event: done\r\n\r\n" not in [m.get("body") for m in s.sent]


async def test_a_shutdown_cancels_the_stream_and_on_close_still_runs() -> None:
    s = Stream()
    task = await s.streaming()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert s.closed and s.on_close_ran


async def test_a_shutdown_at_the_moment_the_client_leaves_is_not_swallowed() -> None:
    s = Stream()
    task = await s.streaming()
    s.disconnect.set()
    task.cancel()  # both cancel requests land before the stream runs again
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 5)
    assert s.closed and s.on_close_ran
