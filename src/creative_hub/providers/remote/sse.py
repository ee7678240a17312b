"""Server-sent events from an httpx response: `event`, `data` (joined lines), `id`.

The lines are split here from the raw bytes (`_lines`, one generator) rather than with
httpx's aiter_lines (two generators and a text decoder per chunk): a chat reply arrives
a token per chunk, and this is the hub's cost per token (issue 7).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

_DRAIN_SECONDS = 0.5


@dataclass(frozen=True)
class SseEvent:
    event: str  # "message" when the server names none (OpenAI)
    data: str
    id: str | None = None


async def _lines(response: httpx.Response) -> AsyncIterator[str]:
    """The body's lines without their ends (CRLF, LF or CR, as the SSE spec allows)."""
    pending = b""  # the start of a line whose end has not arrived yet
    async for chunk in response.aiter_bytes():
        lines = (pending + chunk).splitlines(keepends=True)
        if not lines:
            continue
        # A last line without "\n" may be unfinished, or a CRLF cut between two chunks.
        pending = b"" if lines[-1].endswith(b"\n") else lines.pop()
        for raw in lines:
            yield raw.rstrip(b"\r\n").decode("utf-8", "replace")
    if pending.strip(b"\r\n"):  # a stream that ends inside its last line
        yield pending.rstrip(b"\r\n").decode("utf-8", "replace")


async def sse_events(response: httpx.Response) -> AsyncIterator[SseEvent]:
    event, event_id = "", None
    data: list[str] = []
    async for line in _lines(response):
        if not line:
            if data or event:
                yield SseEvent(event or "message", "\n".join(data), event_id)
            event, data = "", []
            continue
        if line.startswith(":"):  # comment / keep-alive
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            data.append(value)
        elif field == "event":
            event = value
        elif field == "id":
            event_id = value
    if data:  # a stream that ends without the final blank line
        yield SseEvent(event or "message", "\n".join(data), event_id)


async def drain(events: AsyncIterator[SseEvent]) -> None:
    """Read what is left of a stream after its last event (usually only the end of the
    chunked body). httpx closes a connection whose response was not read to the end, so
    without this every reply opened a new connection to the provider, on the first
    token's path (issue 7). A server that keeps the stream open is left after a moment;
    its connection is then closed, as before."""
    with contextlib.suppress(TimeoutError, httpx.HTTPError):
        async with asyncio.timeout(_DRAIN_SECONDS):
            async for _ in events:
                pass
