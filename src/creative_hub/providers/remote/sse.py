"""Server-sent events from an httpx response: `event`, `data` (joined lines), `id`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class SseEvent:
    event: str  # "message" when the server names none (OpenAI)
    data: str
    id: str | None = None


async def sse_events(response: httpx.Response) -> AsyncIterator[SseEvent]:
    """Parse the stream line by line; aiter_lines buffers lines split across chunks."""
    event, event_id = "", None
    data: list[str] = []
    async for line in response.aiter_lines():
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
