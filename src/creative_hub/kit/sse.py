"""Following one thing's state over server-sent events: tasks and workflows share this."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import orjson
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from creative_hub.events.base import EventBus

State = dict[str, Any]


def sse(event: str, data: dict[str, Any]) -> dict[str, str]:
    return {"event": event, "data": orjson.dumps(data).decode()}


# For a plain StreamingResponse of encoded events (the chat reply): sse-starlette's
# EventSourceResponse costs a cancel scope per event and four tasks per response,
# measurable at 20 streams of 100 tokens/s each (issue 7).
EVENT_STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
KEEPALIVE = b": ping\r\n\r\n"


class ClosingStreamingResponse(StreamingResponse):
    """A StreamingResponse that runs `on_close` when it ends, however it ends: even when
    the client left before the body began, when the body's own cleanup never runs.

    The client's leaving is watched by a plain asyncio task that cancels the stream:
    uvicorn speaks ASGI 2.3, for which Starlette opens an anyio task group per response
    (62 -> 14 us of CPU per response, on the event loop every stream shares; issue 7)."""

    def __init__(
        self, content: AsyncIterator[bytes], on_close: Callable[[], Awaitable[None]], **kw: Any
    ) -> None:
        super().__init__(content, **kw)
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._stream_until_disconnect(receive, send)
        finally:
            await self._on_close()

    async def _stream_until_disconnect(self, receive: Receive, send: Send) -> None:
        streaming = asyncio.current_task()
        assert streaming is not None
        left = False

        async def watch() -> None:
            nonlocal left
            while (await receive())["type"] != "http.disconnect":
                pass
            left = True
            streaming.cancel()

        watcher = asyncio.create_task(watch())
        try:
            await self.stream_response(send)
        except asyncio.CancelledError:
            # Ours (the client left) unless someone else cancels too (a shutdown).
            if not left or streaming.uncancel() > 0:
                raise
        finally:
            watcher.cancel()
        if self.background is not None:
            await self.background()


def encode_event(event: str, data: dict[str, Any]) -> bytes:
    """One SSE frame; orjson never writes a raw newline, so `data` is one line."""
    return b"event: " + event.encode() + b"\r\ndata: " + orjson.dumps(data) + b"\r\n\r\n"


async def follow(
    bus: EventBus,
    channel: str,
    *,
    kind: str,
    gone: dict[str, str],
    load: Callable[[], Awaitable[State | None]],
    live: Callable[[State], bool],
    resync_seconds: float,
) -> AsyncIterator[dict[str, str]]:
    """The current state as a `kind` event, then every change and `progress` event until the
    state is no longer live (or the thing is deleted: a `deleted` event with `gone`).

    The state is re-read every `resync_seconds` without news, so a missed event never
    leaves a client waiting forever.
    """
    async with bus.subscribe(channel) as events:
        # A pump into a local queue, so waiting with a timeout never cancels the subscription.
        inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def pump() -> None:
            async for event in events:
                inbox.put_nowait(event)

        pumping = asyncio.create_task(pump())
        try:
            current = await load()
            if current is None:
                yield sse("deleted", gone)
                return
            yield sse(kind, current)
            while live(current):
                try:
                    async with asyncio.timeout(resync_seconds):  # wait_for can eat a cancel
                        event = await inbox.get()
                except TimeoutError:
                    latest = await load()
                    if latest is None:
                        yield sse("deleted", gone)
                        return
                    if latest != current:
                        current = latest
                        yield sse(kind, current)
                    continue
                if event.get("type") == "progress":
                    yield sse("progress", event)
                elif event.get("type") == kind:
                    current = event[kind]
                    yield sse(kind, current)
                elif event.get("type") == "deleted":
                    yield sse("deleted", event)
                    return
        finally:
            pumping.cancel()
