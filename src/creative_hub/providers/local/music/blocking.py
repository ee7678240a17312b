"""Run CPU-bound rendering in a worker thread, with progress and prompt cancellation.

A thread cannot be killed, so the work calls `checkpoint(fraction, message)` often:
it records progress for the event loop to forward, and raises once the asyncio task
has been cancelled. The caller waits for the thread to stop before the cancellation
propagates, so nothing the thread writes can outlive it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

from creative_hub.providers.base import Progress
from creative_hub.providers.local import cpu

T = TypeVar("T")

# The checkpoint of the render running in this thread, so that deep DSP loops can
# stop on cancellation without threading a callback through every function.
_current: ContextVar[Checkpoint | None] = ContextVar("render_checkpoint", default=None)


def check_cancelled() -> None:
    """Raise RenderCancelled if the render running in this thread was cancelled."""
    checkpoint = _current.get()
    if checkpoint is not None:
        checkpoint.check()


class RenderCancelled(Exception):
    """Raised inside the worker thread when its asyncio task was cancelled."""


class Checkpoint:
    def __init__(self) -> None:
        self._stop = threading.Event()
        self.latest: tuple[float, str | None] | None = None

    def __call__(self, fraction: float, message: str | None = None) -> None:
        self.check()
        self.latest = (fraction, message)

    def check(self) -> None:
        if self._stop.is_set():
            raise RenderCancelled

    def stop(self) -> None:
        self._stop.set()


async def run_blocking(
    work: Callable[[Checkpoint], T],
    progress: Progress,
    span: tuple[float, float] = (0.0, 1.0),
    poll: float = 0.2,
) -> T:
    """Run work(checkpoint) in a thread; forward its progress mapped into `span`."""
    checkpoint = Checkpoint()

    def run() -> T:
        _current.set(checkpoint)  # to_thread runs us in a copied context: this stays local
        return work(checkpoint)

    future = asyncio.ensure_future(cpu.run(run))
    reported: tuple[float, str | None] | None = None
    low, high = span
    try:
        while True:
            done, _ = await asyncio.wait({future}, timeout=poll)
            latest = checkpoint.latest
            if latest is not None and latest != reported:
                reported = latest
                await progress(low + (high - low) * latest[0], latest[1])
            if done:
                return future.result()
    finally:
        if not future.done():
            checkpoint.stop()
            with contextlib.suppress(BaseException):
                await asyncio.shield(future)
