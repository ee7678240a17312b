"""Scene tasks: the images, video and audio steps run one task per scene (and one for the
music), real rows in `tasks` with the workflow's id, run by the feature's own handler.

Why the step task runs its scene tasks itself: the queue has few worker slots
(queue_concurrency, 2 by default). A step task holding a slot while it waited for scene
tasks that need slots could deadlock (two workflows' steps holding both slots). So the
step task claims and runs each scene task through executor.execute, the path a worker
takes: each row is claimed atomically, reports its progress, owns its assets, records
its outcome, is heartbeated and can be cancelled. A scene task that a free worker claims
first simply runs there and the step waits for it (the claim is atomic, so each runs
once); the step starts one only while fewer than SCENE_CONCURRENCY of its scene tasks run
anywhere. After a crash the step's next attempt finds its scene tasks (input_data names
the step task) and keeps what they finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.db.session import run_after_commit, take_deferred_jobs
from creative_hub.events.base import EventBus
from creative_hub.kit.errors import Conflict
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.models.workflow import Workflow
from creative_hub.storage.base import AssetStore
from creative_hub.tasks.registry import JobContext, JobError, TaskCancelled
from creative_hub.tasks.service import TaskService
from creative_hub.workflows.repository import WorkflowRepository
from creative_hub.workflows.steps.common import WorkflowState

log = structlog.get_logger(__name__)

# Two CPU cores: two scenes at a time keeps both busy without thrashing.
SCENE_CONCURRENCY = 2
# How often the step re-reads its scene tasks (their rows get progress every 0.5 s).
POLL_SECONDS = 0.5
# At most this long to let scene tasks wind down when the step is cancelled.
STOP_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class SceneTask:
    """One unit of a step's work: `key` is stable ("scene-0", "music"), `label` is for people."""

    key: str
    label: str
    task_type: TaskType
    input_data: dict[str, Any]


async def run_scene_tasks(
    ctx: JobContext, state: WorkflowState, specs: Sequence[SceneTask], label: str
) -> dict[str, Task]:
    """Run every spec as its own task, SCENE_CONCURRENCY at a time; their rows by key.

    Progress: the mean of the scene tasks' progress, never falling. Raises JobError naming
    every scene that failed, once all have ended (the others keep their results).
    """
    runtime = ctx.runtime
    ids = await _ensure(ctx, specs)
    local: dict[uuid.UUID, asyncio.Task[None]] = {}
    best = -1
    try:
        while True:
            rows = await _load(ctx, ids)
            _start_local(runtime.executor, ids, rows, local)
            ended = [i for i in ids if rows[i].status.is_terminal]
            fraction = sum(
                1.0 if rows[i].status.is_terminal else rows[i].progress / 100 for i in ids
            )
            percent = int(100 * fraction / len(ids))
            if percent > best:
                best = percent
                await state.progress(percent / 100, f"{label} {len(ended)} of {len(ids)}")
            if len(ended) == len(ids):
                break
            await ctx.check_cancelled()
            pending = [t for t in local.values() if not t.done()]
            if pending:
                await asyncio.wait(
                    pending, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )
            else:
                await asyncio.sleep(POLL_SECONDS)
        await asyncio.gather(*local.values(), return_exceptions=True)
    except asyncio.CancelledError:
        if ctx.task_id in runtime.executor.user_cancelled:
            await _cancel(ctx, ids, local)
        else:
            # Shutting down: each running scene task is handed back (queued) by its
            # executor; the step's next attempt picks them up again.
            await _interrupt(local)
        raise
    except BaseException:
        await _cancel(ctx, ids, local)
        raise
    by_key = {str(rows[i].input_data.get("scene_key")): rows[i] for i in ids}
    failed = [(spec, by_key[spec.key]) for spec in specs]
    failed = [(s, t) for s, t in failed if t.status != TaskStatus.succeeded]
    if failed:
        raise _failure(failed, everyone=len(failed) == len(specs))
    return by_key


def _failure(failed: list[tuple[SceneTask, Task]], *, everyone: bool) -> JobError:
    """One error naming every scene that did not succeed, with the first one's code."""
    parts = []
    for spec, task in failed:
        if task.status == TaskStatus.cancelled:
            parts.append(f"{spec.label} was cancelled")
        else:
            reason = (task.error_message or "no reason given").rstrip(". ")
            parts.append(f"{spec.label} failed: {reason}")
    code = next((t.error_code for _, t in failed if t.error_code), "scene_cancelled")
    kept = "" if everyone else " The other scenes kept their results."
    return JobError(code, f"{'; '.join(parts)}.{kept} Run the step again to redo it.")


async def _ensure(ctx: JobContext, specs: Sequence[SceneTask]) -> list[uuid.UUID]:
    """Create the scene tasks, or on a retry of the step find the ones it made before."""
    runtime = ctx.runtime
    assert ctx.workflow_id is not None
    async with runtime.sessionmaker() as session:
        repo = WorkflowRepository(session)
        existing = {
            str(t.input_data.get("scene_key")): t
            for t in await repo.scene_tasks(ctx.workflow_id, ctx.task_id)
        }
        user = await session.get(User, ctx.user_id)
        assert user is not None
        service = TaskService(session, runtime.bus, runtime.store)
        ids = []
        for spec in specs:
            task = existing.get(spec.key)
            if task is None:
                data = {
                    **spec.input_data,
                    "parent_task_id": str(ctx.task_id),
                    "scene_key": spec.key,
                }
                task = await service.create(user, spec.task_type, data, workflow_id=ctx.workflow_id)
            elif task.status in (TaskStatus.failed, TaskStatus.cancelled):
                # Ended by the attempt that was interrupted: this attempt does it again.
                task = await service.retry(user, task.id)
            ids.append(task.id)
        await session.commit()
        # Not handed to the queue: this step runs them (a free worker may still help).
        take_deferred_jobs(session)
        await run_after_commit(session)
    return ids


async def _load(ctx: JobContext, ids: list[uuid.UUID]) -> dict[uuid.UUID, Task]:
    async with ctx.runtime.sessionmaker() as session:
        rows = await WorkflowRepository(session).tasks_by_id([ctx.task_id, *ids])
    parent = rows.get(ctx.task_id)
    # Read with the scene tasks: a workflow cancel marks the step and its scenes together,
    # so cancelled scenes are never mistaken for failed ones.
    if parent is None or parent.cancel_requested:
        raise TaskCancelled
    missing = [i for i in ids if i not in rows]
    if missing:
        raise JobError("scene_task_deleted", "A scene's task was deleted while the step ran.")
    return rows


def _start_local(
    executor: Any,
    ids: list[uuid.UUID],
    rows: dict[uuid.UUID, Task],
    local: dict[uuid.UUID, asyncio.Task[None]],
) -> None:
    """Run queued scene tasks here while fewer than SCENE_CONCURRENCY run anywhere."""
    for i, runner in list(local.items()):
        if runner.done():
            del local[i]
            if not runner.cancelled() and runner.exception() is not None:
                log.error(
                    "scene_task_runner_failed", task_id=str(i), error=repr(runner.exception())
                )
    # A runner started here whose row is still queued is about to claim it.
    busy = sum(
        1
        for i in ids
        if rows[i].status == TaskStatus.running
        or (i in local and rows[i].status == TaskStatus.queued)
    )
    for i in ids:
        if busy >= SCENE_CONCURRENCY:
            return
        if rows[i].status == TaskStatus.queued and i not in local:
            local[i] = asyncio.create_task(executor.execute(i), name=f"scene-task-{i}")
            busy += 1


async def _cancel(
    ctx: JobContext, ids: list[uuid.UUID], local: dict[uuid.UUID, asyncio.Task[None]]
) -> None:
    """The step stops: cancel its unfinished scene tasks and let them record it."""
    runtime = ctx.runtime
    try:
        async with runtime.sessionmaker() as session:
            await cancel_tasks(session, runtime.bus, runtime.store, ctx.user_id, ids)
            await session.commit()
            await run_after_commit(session)
    except Exception:
        log.exception("scene_tasks_cancel_failed", task_id=str(ctx.task_id))
    for i, runner in local.items():
        if not runner.done():
            runtime.executor.cancel_local(i)
    pending = [t for t in local.values() if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=STOP_GRACE_SECONDS)
    await _interrupt(local)


async def _interrupt(local: dict[uuid.UUID, asyncio.Task[None]]) -> None:
    pending = [t for t in local.values() if not t.done()]
    for runner in pending:
        runner.cancel()
    for runner in pending:
        with contextlib.suppress(BaseException):
            await runner


async def cancel_tasks(
    session: AsyncSession,
    bus: EventBus,
    store: AssetStore,
    user_id: uuid.UUID,
    ids: Sequence[uuid.UUID],
) -> None:
    """Cancel those of `ids` still queued or running (their workers are signalled on commit)."""
    user = await session.get(User, user_id)
    if user is None:
        return
    service = TaskService(session, bus, store)
    rows = await WorkflowRepository(session).tasks_by_id(list(ids))
    for task in rows.values():
        if not task.status.is_terminal:
            with contextlib.suppress(Conflict):
                await service.cancel(user, task.id)


async def cancel_leftovers(
    session: AsyncSession, bus: EventBus, store: AssetStore, workflow: Workflow
) -> None:
    """Scene tasks still queued or running whose step task has ended (a lost worker)."""
    repo = WorkflowRepository(session)
    leftovers = [
        t.id for t in await repo.active_tasks(workflow.id) if t.task_type != TaskType.workflow_step
    ]
    if leftovers:
        await cancel_tasks(session, bus, store, workflow.user_id, leftovers)
