"""In-process asyncio runner: N worker coroutines fed by enqueue() and a database poller.

The poller picks up queued tasks nobody enqueued here (after a restart, or created by
another process), so nothing queued is ever forgotten. Claiming a task is an atomic
UPDATE in the executor, so a task handed out twice still runs once.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)

Execute = Callable[[uuid.UUID], Awaitable[None]]
FetchQueued = Callable[[int], Awaitable[list[uuid.UUID]]]
Housekeeping = Callable[[], Awaitable[None]]


class InlineQueue:
    def __init__(
        self,
        *,
        execute: Execute,
        fetch_queued: FetchQueued,
        housekeeping: Housekeeping | None = None,
        concurrency: int = 2,
        poll_interval: float = 2.0,
    ) -> None:
        self._execute = execute
        self._fetch_queued = fetch_queued
        self._housekeeping = housekeeping
        self._concurrency = concurrency
        self._poll_interval = poll_interval
        self._queue: asyncio.Queue[uuid.UUID] = asyncio.Queue()
        self._known: set[uuid.UUID] = set()  # waiting or running here
        self._running = 0
        self._workers: list[asyncio.Task[None]] = []
        self._wake = asyncio.Event()

    async def start(self) -> None:
        self._workers = [
            asyncio.create_task(self._work(), name=f"job-worker-{i}")
            for i in range(self._concurrency)
        ]
        self._workers.append(asyncio.create_task(self._poll(), name="job-poller"))

    async def stop(self) -> None:
        pending = set(self._workers)
        while pending:
            for worker in pending:
                worker.cancel()
            # Cancelled again if still running: job code that swallowed one cancellation
            # (asyncio.wait_for does, in a race) must not keep the server from stopping.
            _done, pending = await asyncio.wait(pending, timeout=1.0)
        for worker in self._workers:
            if not worker.cancelled() and worker.exception() is not None:
                log.error("job_worker_failed", error=repr(worker.exception()))
        self._workers = []

    async def enqueue(self, task_id: uuid.UUID) -> None:
        if task_id not in self._known:
            self._known.add(task_id)
            self._queue.put_nowait(task_id)

    def depth(self) -> int:
        return self._queue.qsize()

    def running(self) -> int:
        return self._running

    def is_healthy(self) -> bool:
        return bool(self._workers) and not any(w.done() for w in self._workers)

    async def _work(self) -> None:
        while True:
            task_id = await self._queue.get()
            self._running += 1
            try:
                await self._execute(task_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job_runner_error", task_id=str(task_id))
            finally:
                self._running -= 1
                self._known.discard(task_id)

    async def _poll(self) -> None:
        while True:
            try:
                if self._housekeeping is not None:
                    await self._housekeeping()
                free = self._concurrency * 4 - len(self._known)
                if free > 0:
                    for task_id in await self._fetch_queued(free):
                        await self.enqueue(task_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job_poller_error")
            await asyncio.sleep(self._poll_interval)
