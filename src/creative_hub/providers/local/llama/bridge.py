"""From a blocking producer in a worker thread to an async iterator on the event loop.

The producer gets an `emit(item) -> bool` callback; emit returns True once the consumer
has stopped listening (it broke out of the loop, closed the iterator or was cancelled),
which the producer must take as "stop now". The iterator does not finish closing until
the thread has returned, so whoever holds an engine slot around it keeps it until the
model really stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncGenerator, Callable
from typing import Generic, TypeVar

from creative_hub.providers.local import cpu

T = TypeVar("T")
R = TypeVar("R")

Emit = Callable[[T], bool]


class _Finished(Generic[R]):
    def __init__(self, result: R | None, error: BaseException | None) -> None:
        self.result = result
        self.error = error


class ThreadStream(Generic[T, R]):
    """Iterate the items `produce` emits; afterwards `.result` holds what it returned."""

    def __init__(self, produce: Callable[[Emit[T]], R], name: str = "llama-stream") -> None:
        self._produce = produce
        self._name = name
        self.result: R | None = None

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[T | _Finished[R]] = asyncio.Queue()
        stop = threading.Event()
        done = asyncio.Event()

        def send(item: T | _Finished[R]) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop closed (shutdown): nobody is listening
                stop.set()

        def emit(item: T) -> bool:
            if stop.is_set():
                return True
            send(item)
            return stop.is_set()

        def run() -> None:
            cpu.lower_this_thread()  # threads llama.cpp starts from here inherit it
            try:
                send(_Finished(self._produce(emit), None))
            except BaseException as exc:  # handed to the consumer, re-raised there
                send(_Finished(None, exc))
            finally:
                with contextlib.suppress(RuntimeError):  # the loop closed
                    loop.call_soon_threadsafe(done.set)

        # A dedicated thread rather than the default executor: a long generation must not
        # hold one of the few executor threads that every to_thread call shares.
        threading.Thread(target=run, name=self._name, daemon=True).start()
        try:
            while True:
                item = await queue.get()
                if isinstance(item, _Finished):
                    if item.error is not None:
                        raise item.error
                    self.result = item.result
                    return
                yield item
        finally:
            stop.set()
            # Wait for the thread even while being cancelled: the model is shared, and the
            # caller's slot must stay held until it has stopped generating (stop is set,
            # so that is the next token, or the end of the prompt being read).
            await asyncio.shield(done.wait())
