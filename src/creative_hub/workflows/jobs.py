"""The workflow_step handler: run one step, save its data, and when running everything,
queue the next step. Outcomes are written to the workflow in their own transactions,
so a crash leaves either the step done or its task to be retried by recovery."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from creative_hub.db.session import take_deferred_jobs
from creative_hub.models.enums import TaskType, WorkflowStatus, WorkflowStep
from creative_hub.models.user import User
from creative_hub.providers.base import ProviderError
from creative_hub.tasks.registry import (
    JobContext,
    JobError,
    JobResult,
    TaskCancelled,
    default_registry,
)
from creative_hub.tasks.service import TaskService
from creative_hub.workflows.events import publish_workflow, workflow_channel
from creative_hub.workflows.repository import WorkflowRepository
from creative_hub.workflows.schemas import STEPS, WorkflowOptions
from creative_hub.workflows.state import mark_later_stale, require_runnable, set_step
from creative_hub.workflows.steps import audio, compose, images, script, storyboard, video
from creative_hub.workflows.steps.common import WorkflowState

Runner = Callable[[JobContext, WorkflowState], Awaitable[dict[str, Any]]]
RUNNERS: dict[WorkflowStep, Runner] = {
    WorkflowStep.script: script.run,
    WorkflowStep.storyboard: storyboard.run,
    WorkflowStep.images: images.run,
    WorkflowStep.video: video.run,
    WorkflowStep.audio: audio.run,
    WorkflowStep.compose: compose.run,
}


async def _begin(ctx: JobContext, step: WorkflowStep) -> WorkflowState:
    runtime = ctx.runtime
    assert ctx.workflow_id is not None
    async with runtime.sessionmaker() as session:
        repo = WorkflowRepository(session)
        # Locked before it is read: a cancel racing this start is never overwritten.
        workflow = await repo.get(ctx.workflow_id) if await repo.lock(ctx.workflow_id) else None
        if workflow is None:
            raise JobError("workflow_not_found", "The workflow was deleted.")
        try:
            require_runnable(workflow, step)
        except Exception as exc:
            raise JobError("step_inputs_missing", str(exc)) from exc
        if workflow.status == WorkflowStatus.cancelled:
            # Queued by a step that finished just as the user cancelled: do not run it.
            raise TaskCancelled
        set_step(workflow, step, "running", task_id=ctx.task_id)
        workflow.status = WorkflowStatus.running
        workflow.current_step = step
        await session.commit()
        await publish_workflow(runtime.bus, workflow)
        options = {k: v for k, v in workflow.options.items() if k != "template"}
        data = {s: getattr(workflow, f"{s.value}_data") for s in STEPS}
        template = str(workflow.options.get("template", "explainer"))
        idea = workflow.idea

    async def progress(fraction: float, message: str | None = None) -> None:
        fraction = max(0.0, min(1.0, fraction))
        await ctx.progress(int(100 * fraction), message)
        # Overall: each of the six steps is a sixth of the way.
        overall = int(100 * (STEPS.index(step) + fraction) / len(STEPS))
        await runtime.bus.publish(
            workflow_channel(ctx.workflow_id),  # type: ignore[arg-type]
            {
                "type": "progress",
                "step": step.value,
                "progress": int(100 * fraction),
                "overall": overall,
                "message": message,
            },
        )

    return WorkflowState(
        id=ctx.workflow_id,
        idea=idea,
        template=template,
        options=WorkflowOptions.model_validate(options),
        data=data,
        progress=progress,
    )


async def _finish(ctx: JobContext, step: WorkflowStep, output: dict[str, Any]) -> None:
    runtime = ctx.runtime
    assert ctx.workflow_id is not None
    async with runtime.sessionmaker() as session:
        repo = WorkflowRepository(session)
        workflow = await repo.get(ctx.workflow_id) if await repo.lock(ctx.workflow_id) else None
        if workflow is None:
            raise JobError("workflow_not_found", "The workflow was deleted while this ran.")
        setattr(workflow, f"{step.value}_data", output)
        set_step(workflow, step, "done", task_id=ctx.task_id, error=None)
        mark_later_stale(workflow, step)
        if step == WorkflowStep.compose:
            workflow.total_duration = float(output["duration"])
            urls = [output["url"], output.get("srt_url"), output.get("vtt_url")]
            workflow.asset_urls = [u for u in urls if u]
        index = STEPS.index(step)
        cancelled = workflow.status == WorkflowStatus.cancelled
        if ctx.input_data.get("run_all") and index + 1 < len(STEPS) and not cancelled:
            user = await session.get(User, ctx.user_id)
            assert user is not None
            task = await TaskService(session, runtime.bus, runtime.store).create(
                user,
                TaskType.workflow_step,
                {**ctx.input_data, "step": STEPS[index + 1].value},
                workflow_id=workflow.id,
            )
            set_step(workflow, STEPS[index + 1], "queued", task_id=task.id)
            workflow.current_step = STEPS[index + 1]
        elif not cancelled:
            last = index + 1 == len(STEPS)
            workflow.status = WorkflowStatus.completed if last else WorkflowStatus.paused
        await session.commit()
        for task_id in take_deferred_jobs(session):
            await runtime.queue.enqueue(task_id)
        await publish_workflow(runtime.bus, workflow)


async def _fail(ctx: JobContext, step: WorkflowStep, code: str, message: str) -> None:
    assert ctx.workflow_id is not None
    async with ctx.runtime.sessionmaker() as session:
        repo = WorkflowRepository(session)
        workflow = await repo.get(ctx.workflow_id) if await repo.lock(ctx.workflow_id) else None
        if workflow is None:
            return
        set_step(workflow, step, "failed", error={"code": code, "message": message})
        workflow.status = WorkflowStatus.failed
        workflow.error_code, workflow.error_message = code, message
        await session.commit()
        await publish_workflow(ctx.runtime.bus, workflow)


@default_registry.handler(TaskType.workflow_step)
async def workflow_step(ctx: JobContext) -> JobResult:
    if ctx.workflow_id is None:
        raise JobError("workflow_missing", "This task belongs to no workflow.")
    step = WorkflowStep(ctx.input_data["step"])
    try:
        state = await _begin(ctx, step)
        output = await RUNNERS[step](ctx, state)
        await ctx.check_cancelled()
    except (JobError, ProviderError) as exc:
        await _fail(ctx, step, exc.code, exc.message)
        raise
    except TaskCancelled:
        raise
    except Exception:
        # The executor logs it and fails the task; the workflow must not wait for it.
        await _fail(ctx, step, "internal_error", f"The {step.value} step failed unexpectedly.")
        raise
    # Cancellation and shutdown pass through untouched: cancel() already marked the
    # workflow, and a task handed back at shutdown runs this step again after restart.
    await _finish(ctx, step, output)
    urls = [str(v) for v in _urls(output)]
    return JobResult(
        output_data={"workflow_id": str(ctx.workflow_id), "step": step.value, "data": output},
        output_urls=urls,
        provider="local",
        model=f"workflow/{step.value}",
    )


def _urls(value: Any) -> list[Any]:
    """Every url in a step's data (what the task produced)."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k.endswith("url") and isinstance(v, str)]
        return found + [u for v in value.values() for u in _urls(v) if isinstance(v, list | dict)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


__all__ = ["workflow_step"]
