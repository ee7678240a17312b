"""Reads a provider's reply stream in its own task, from the moment the reply is planned.

A reply still has to save the user's message and the empty assistant message. Starting
the provider call first and saving while it streams (replies.MessageSaver) takes the
database work off the first token's path (issue 7: the hub may add <= 5 ms).
Pieces wait in a buffer until the response reads them; closing the pump cancels the task,
which closes the provider's stream inside the task that opened it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from creative_hub.providers.base import TextGenerator, TextRequest, TextUsage

KEEPALIVE_SECONDS = 15.0


class ReplyPump:
    def __init__(
        self,
        provider: TextGenerator,
        request: TextRequest,
        *,
        keepalive_seconds: float = KEEPALIVE_SECONDS,
    ) -> None:
        self.usage = TextUsage()
        self._buffer: list[str] = []
        self._error: BaseException | None = None
        self._ended = False
        self._idle = False  # set by the keep-alive timer, cleared by every piece
        self._wake = asyncio.Event()
        self._keepalive_seconds = keepalive_seconds
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(keepalive_seconds, self._keepalive)
        self._task = asyncio.create_task(self._run(provider, request))

    async def _run(self, provider: TextGenerator, request: TextRequest) -> None:
        stream = provider.stream(request, self.usage)
        try:
            async for piece in stream:
                self._buffer.append(piece)
                self._idle = False
                self._wake.set()
        except Exception as exc:  # a ProviderError, or an adapter's bug: pieces() raises it
            self._error = exc
        finally:
            # Closing the generator tells an engine to stop generating now.
            close = getattr(stream, "aclose", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    await close()
            self._ended = True
            self._timer.cancel()
            self._wake.set()

    def _keepalive(self) -> None:
        """Every KEEPALIVE_SECONDS: if nothing came since the last tick, wake the reader
        with nothing, so the response can send a comment that keeps proxies from closing
        an idle connection (a local model still loading)."""
        if self._idle:
            self._wake.set()
        self._idle = True
        self._timer = asyncio.get_running_loop().call_later(
            self._keepalive_seconds, self._keepalive
        )

    async def batches(self) -> AsyncIterator[list[str]]:
        """The reply's pieces in order, in lists of everything that arrived since the last
        read (a busy server writes them at once instead of falling behind); raises the
        provider's error where it came. An empty list means "still working": nothing
        arrived for a keep-alive period."""
        while True:
            if not self._buffer and not self._ended:
                self._wake.clear()
                await self._wake.wait()
            if self._buffer:
                batch, self._buffer = self._buffer, []
                yield batch
            elif self._ended:
                if self._error is not None:
                    raise self._error
                return
            else:
                yield []

    def close(self) -> None:
        """Stop reading (stop button, disconnect, failed save): cancel the reading task.

        Not awaited: a disconnect cancels the response in an anyio scope, where every
        await raises again, and the partial reply must still be saved after this."""
        self._timer.cancel()
        self._task.cancel()
