"""Runs one task: claim it, call its handler, record the outcome. Also crash recovery.

Every status change is an atomic conditional UPDATE, so two workers, a cancel and a
finish can race without a task ending in two states.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from creative_hub.events.base import CONTROL_CHANNEL, EventBus
from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.providers.base import ProviderError
from creative_hub.settings import Settings
from creative_hub.tasks.events import publish_task
from creative_hub.tasks.registry import HandlerRegistry, JobError, JobResult, TaskCancelled
from creative_hub.tasks.repository import TaskRepository, stale_before
from creative_hub.usage import service as usage_service
from creative_hub.usage.service import Usage

log = structlog.get_logger(__name__)

_PROGRESS_WRITE_INTERVAL = 0.5  # seconds between progress rows written; events go every time
_CANCEL_POLL_INTERVAL = 1.0


class _Context:
    def __init__(
        self,
        executor: TaskExecutor,
        *,
        task_id: uuid.UUID,
        user_id: uuid.UUID,
        task_type: TaskType,
        input_data: dict[str, Any],
        attempt: int,
        workflow_id: uuid.UUID | None,
    ) -> None:
        self._executor = executor
        self.task_id = task_id
        self.user_id = user_id
        self.task_type = task_type
        self.input_data = input_data
        self.attempt = attempt
        self.workflow_id = workflow_id
        self.runtime = executor.runtime
        self._last_write = 0.0
        self._last_cancel_check = 0.0

    async def progress(self, percent: int, message: str | None = None) -> None:
        percent = max(0, min(100, int(percent)))
        now = time.monotonic()
        if now - self._last_write >= _PROGRESS_WRITE_INTERVAL or percent == 100:
            self._last_write = now
            async with self._executor.sessionmaker() as session:
                await TaskRepository(session).update_fields(
                    self.task_id,
                    only_status=TaskStatus.running,
                    progress=percent,
                    progress_message=message,
                    updated_at=utcnow(),
                )
                await session.commit()
        await self._executor.bus.publish(
            f"task:{self.task_id}",
            {
                "type": "progress",
                "task_id": str(self.task_id),
                "status": TaskStatus.running.value,
                "progress": percent,
                "progress_message": message,
            },
        )

    async def check_cancelled(self) -> None:
        if self.task_id in self._executor.user_cancelled:
            raise TaskCancelled
        now = time.monotonic()
        if now - self._last_cancel_check < _CANCEL_POLL_INTERVAL:
            return
        self._last_cancel_check = now
        async with self._executor.sessionmaker() as session:
            if await TaskRepository(session).cancel_requested(self.task_id):
                raise TaskCancelled


class TaskExecutor:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        bus: EventBus,
        handlers: HandlerRegistry,
        settings: Settings,
        runtime: Any = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.bus = bus
        self.handlers = handlers
        self.settings = settings
        self.runtime = runtime
        self.user_cancelled: set[uuid.UUID] = set()
        self._inflight: dict[uuid.UUID, asyncio.Task[JobResult]] = {}
        self._background: list[asyncio.Task[None]] = []
        self._last_reap = 0.0

    # -- lifecycle -------------------------------------------------------------

    async def start(self) -> None:
        ready = asyncio.Event()
        self._background = [
            asyncio.create_task(self._heartbeat_loop(), name="task-heartbeat"),
            asyncio.create_task(self._control_loop(ready), name="task-control"),
        ]
        await ready.wait()

    async def stop(self) -> None:
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._background = []

    def inflight(self) -> int:
        return len(self._inflight)

    # -- running a task --------------------------------------------------------

    async def execute(self, task_id: uuid.UUID) -> None:
        ctx = await self._claim(task_id)
        if ctx is None:
            return
        handler = self.handlers.get(ctx.task_type)
        assert handler is not None  # checked in _claim
        runner: asyncio.Task[JobResult] | None = None
        try:
            # From here on a shutdown hands the task back (see the CancelledError branch).
            await self._publish(task_id)
            runner = asyncio.create_task(handler(ctx), name=f"task-{task_id}")
            self._inflight[task_id] = runner
            # asyncio.timeout, not wait_for: wait_for (3.11) swallows a cancellation that
            # lands as the job ends, and the stopping worker then never stops.
            async with asyncio.timeout(self.settings.task_timeout_seconds):
                result = await runner
        except TaskCancelled:
            await self._finish(task_id, TaskStatus.cancelled)
        except TimeoutError:
            await self._fail(
                task_id,
                "timeout",
                f"The task did not finish within {self.settings.task_timeout_seconds} s "
                "and was stopped. Retry it, or ask for less work.",
            )
        except (JobError, ProviderError) as exc:
            await self._fail(task_id, exc.code, exc.message)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task_id in self.user_cancelled and not (current and current.cancelling()):
                await self._finish(task_id, TaskStatus.cancelled)
            else:
                # The server is shutting down: hand the task back, it resumes on restart.
                if runner is not None:
                    runner.cancel()
                await asyncio.shield(self._requeue_after_shutdown(task_id))
                raise
        except Exception:
            log.exception("task_failed_unexpectedly", task_id=str(task_id))
            await self._fail(
                task_id,
                "internal_error",
                "An unexpected error stopped this task; it has been logged. Retry it.",
            )
        else:
            await self._finish(
                task_id,
                TaskStatus.succeeded,
                usage=(ctx.user_id, result.usage),
                progress=100,
                output_data=result.output_data,
                output_urls=result.output_urls,
                provider=result.provider,
                model=result.model,
            )
        finally:
            self._inflight.pop(task_id, None)
            self.user_cancelled.discard(task_id)

    async def _claim(self, task_id: uuid.UUID) -> _Context | None:
        async with self.sessionmaker() as session:
            repo = TaskRepository(session)
            task = await repo.get(task_id)
            if task is None or task.status != TaskStatus.queued:
                return None
            now = utcnow()
            if task.cancel_requested:
                if await repo.transition(task_id, TaskStatus.cancelled, finished_at=now):
                    await session.commit()
                    await publish_task(self.bus, session, task_id)
                return None
            if self.handlers.get(task.task_type) is None:
                if await repo.transition(
                    task_id,
                    TaskStatus.failed,
                    finished_at=now,
                    error_code="no_worker",
                    error_message=f"This server has no worker for {task.task_type.value} tasks.",
                ):
                    await session.commit()
                    await publish_task(self.bus, session, task_id)
                return None
            attempt = task.attempts + 1
            claimed = await repo.transition(
                task_id,
                TaskStatus.running,
                only_from=[TaskStatus.queued],
                attempts=attempt,
                started_at=now,
                heartbeat_at=now,
                finished_at=None,
                progress=0,
                progress_message=None,
                error_code=None,
                error_message=None,
            )
            await session.commit()
            if not claimed:
                return None
            return _Context(
                self,
                task_id=task_id,
                user_id=task.user_id,
                task_type=task.task_type,
                input_data=dict(task.input_data),
                attempt=attempt,
                workflow_id=task.workflow_id,
            )

    async def _publish(self, task_id: uuid.UUID) -> None:
        async with self.sessionmaker() as session:
            await publish_task(self.bus, session, task_id)

    async def _finish(
        self,
        task_id: uuid.UUID,
        status: TaskStatus,
        usage: tuple[uuid.UUID, list[Usage]] | None = None,
        **values: Any,
    ) -> None:
        async with self.sessionmaker() as session:
            changed = await TaskRepository(session).transition(
                task_id,
                status,
                only_from=[TaskStatus.running],
                finished_at=utcnow(),
                heartbeat_at=None,
                **values,
            )
            # Only work that is recorded as done is counted (not a task deleted meanwhile).
            if changed and usage is not None:
                await usage_service.record(
                    session, user_id=usage[0], items=usage[1], task_id=task_id
                )
            await session.commit()
            if changed:
                await publish_task(self.bus, session, task_id)

    async def _fail(self, task_id: uuid.UUID, code: str, message: str) -> None:
        await self._finish(task_id, TaskStatus.failed, error_code=code, error_message=message)

    async def _requeue_after_shutdown(self, task_id: uuid.UUID) -> None:
        async with self.sessionmaker() as session:
            repo = TaskRepository(session)
            task = await repo.get(task_id)
            if task is not None:
                await repo.transition(
                    task_id,
                    TaskStatus.queued,
                    only_from=[TaskStatus.running],
                    attempts=max(0, task.attempts - 1),  # an interrupted try is not a failed one
                    progress=0,
                    progress_message="Interrupted by a server restart; it will run again.",
                    heartbeat_at=None,
                )
                await session.commit()

    # -- cancellation ----------------------------------------------------------

    async def _control_loop(self, ready: asyncio.Event) -> None:
        async with self.bus.subscribe(CONTROL_CHANNEL) as events:
            ready.set()
            async for event in events:
                if event.get("type") == "cancel":
                    self.cancel_local(uuid.UUID(event["task_id"]))

    def cancel_local(self, task_id: uuid.UUID) -> None:
        runner = self._inflight.get(task_id)
        if runner is not None:
            self.user_cancelled.add(task_id)
            runner.cancel()

    # -- recovery --------------------------------------------------------------

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.task_heartbeat_seconds)
            try:
                async with self.sessionmaker() as session:
                    await TaskRepository(session).heartbeat(list(self._inflight), utcnow())
                    await session.commit()
            except Exception:
                log.exception("task_heartbeat_failed")

    async def recover(self, *, all_running: bool) -> int:
        """Requeue (or fail, past max attempts) tasks whose worker is gone.

        all_running: at the start of a single-process server every running task is
        orphaned; otherwise only those whose heartbeat went stale.
        """
        cutoff = None if all_running else stale_before(utcnow(), self.settings.task_stale_seconds)
        # Any sweep (the one at start-up too) restarts the housekeeping clock.
        self._last_reap = time.monotonic()
        recovered = 0
        async with self.sessionmaker() as session:
            repo = TaskRepository(session)
            for task in await repo.running(heartbeat_before=cutoff):
                if task.id in self._inflight:
                    continue
                if task.cancel_requested:
                    changed = await repo.transition(
                        task.id, TaskStatus.cancelled, finished_at=utcnow(), heartbeat_at=None
                    )
                elif task.attempts < self.settings.task_max_attempts:
                    changed = await repo.transition(
                        task.id,
                        TaskStatus.queued,
                        only_from=[TaskStatus.running],
                        progress=0,
                        progress_message="The worker stopped while running this; retrying.",
                        heartbeat_at=None,
                    )
                else:
                    changed = await repo.transition(
                        task.id,
                        TaskStatus.failed,
                        finished_at=utcnow(),
                        heartbeat_at=None,
                        error_code="worker_lost",
                        error_message=(
                            "The worker stopped while running this task, on every one of its "
                            f"{task.attempts} attempts. Retry it to run it again."
                        ),
                    )
                if changed:
                    recovered += 1
                    log.warning("task_recovered", task_id=str(task.id), attempts=task.attempts)
            await session.commit()
        return recovered

    async def housekeeping(self) -> None:
        """Called by the queue poller: reap tasks of dead workers now and then."""
        if time.monotonic() - self._last_reap >= self.settings.task_stale_seconds / 2:
            await self.recover(all_running=False)

    async def queued_ids(self, limit: int) -> list[uuid.UUID]:
        async with self.sessionmaker() as session:
            return await TaskRepository(session).queued_ids(limit)
