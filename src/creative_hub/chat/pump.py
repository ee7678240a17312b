"""Reads a provider's reply stream in its own task, from the moment the reply is planned.

The chat endpoint still has to save the user's message and the empty assistant message
before it answers. Starting the provider call first and saving while the provider thinks
takes the database work off the first token's path (issue 7: the hub may add <= 5 ms).
Pieces wait in a queue until the response reads them; closing the pump cancels the task,
which closes the provider's stream inside the task that opened it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from creative_hub.providers.base import TextGenerator, TextRequest, TextUsage

_END = object()


class ReplyPump:
    def __init__(self, provider: TextGenerator, request: TextRequest) -> None:
        self.usage = TextUsage()
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._task = asyncio.create_task(self._run(provider, request))

    async def _run(self, provider: TextGenerator, request: TextRequest) -> None:
        stream = provider.stream(request, self.usage)
        try:
            async for piece in stream:
                self._queue.put_nowait(piece)
        except Exception as exc:  # a ProviderError, or an adapter's bug: pieces() raises it
            self._queue.put_nowait(exc)
        finally:
            # Closing the generator tells an engine to stop generating now.
            close = getattr(stream, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()
            self._queue.put_nowait(_END)

    async def pieces(self) -> AsyncIterator[str]:
        """The reply's text pieces in order; raises the provider's error where it came."""
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, str)
            yield item

    def close(self) -> None:
        """Stop reading (stop button, disconnect, failed save): cancel the reading task.

        Not awaited: a disconnect cancels the response in an anyio scope, where every
        await raises again, and the partial reply must still be saved after this."""
        self._task.cancel()
