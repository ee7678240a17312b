"""Per-step states on a workflow row, and the rule for which step may run next.

States live in workflow.step_states (JSON): a step is `done` when its data is current,
`stale` when an earlier step changed after it ran, `pending` when it never ran.
"""

from __future__ import annotations

import uuid
from typing import Any

from creative_hub.kit.errors import Conflict
from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, WorkflowStatus, WorkflowStep
from creative_hub.models.task import Task
from creative_hub.models.workflow import Workflow
from creative_hub.workflows.schemas import STEPS, StepRead, WorkflowRead


def step_state(workflow: Workflow, step: WorkflowStep) -> dict[str, Any]:
    return dict((workflow.step_states or {}).get(step.value) or {"state": "pending"})


def set_step(
    workflow: Workflow,
    step: WorkflowStep,
    state: str,
    *,
    task_id: uuid.UUID | None = None,
    error: dict[str, str] | None = None,
) -> None:
    states = dict(workflow.step_states or {})  # a new dict, so the JSON column is updated
    previous = states.get(step.value) or {}
    states[step.value] = {
        "state": state,
        "task_id": str(task_id) if task_id else previous.get("task_id"),
        "error": error,
    }
    workflow.step_states = states
    workflow.updated_at = utcnow()


def mark_later_stale(workflow: Workflow, step: WorkflowStep) -> None:
    for later in STEPS[STEPS.index(step) + 1 :]:
        if getattr(workflow, f"{later.value}_data") is not None:
            set_step(workflow, later, "stale")


def require_runnable(workflow: Workflow, step: WorkflowStep) -> None:
    """409 unless every earlier step's data is present and current."""
    for earlier in STEPS[: STEPS.index(step)]:
        state = step_state(workflow, earlier)["state"]
        if getattr(workflow, f"{earlier.value}_data") is None or state not in ("done",):
            code = "step_inputs_stale" if state == "stale" else "step_inputs_missing"
            raise Conflict(
                f"The {step.value} step needs the {earlier.value} step first "
                f"(it is {state}). Run the steps in order, or POST /run to run what remains.",
                code=code,
                details={"step": step.value, "needs": earlier.value, "state": state},
            )


def next_step(workflow: Workflow) -> WorkflowStep | None:
    for step in STEPS:
        if step_state(workflow, step)["state"] != "done":
            return step
    return None


def settle(workflow: Workflow, latest: Task | None) -> None:
    """A workflow marked running with no live task: take the outcome of its last task."""
    if latest is None or latest.status == TaskStatus.succeeded:
        workflow.status = (
            WorkflowStatus.completed if next_step(workflow) is None else WorkflowStatus.paused
        )
        return
    step = WorkflowStep(latest.input_data.get("step", workflow.current_step.value))
    if latest.status == TaskStatus.cancelled:
        workflow.status = WorkflowStatus.cancelled
        set_step(workflow, step, "cancelled")
        return
    error = {
        "code": latest.error_code or "step_failed",
        "message": latest.error_message or f"The {step.value} step failed.",
    }
    workflow.status = WorkflowStatus.failed
    workflow.error_code, workflow.error_message = error["code"], error["message"]
    set_step(workflow, step, "failed", error=error)


def to_read(workflow: Workflow) -> WorkflowRead:
    steps = []
    for step in STEPS:
        s = step_state(workflow, step)
        steps.append(
            StepRead(
                step=step,
                state=s.get("state", "pending"),
                task_id=s.get("task_id"),
                error=s.get("error"),
            )
        )
    error = (
        {"code": workflow.error_code, "message": workflow.error_message or ""}
        if workflow.error_code
        else None
    )
    return WorkflowRead(
        id=workflow.id,
        name=workflow.name,
        description=workflow.description,
        status=workflow.status,
        current_step=workflow.current_step,
        options=workflow.options or {},
        steps=steps,
        **{f"{s.value}_data": getattr(workflow, f"{s.value}_data") for s in STEPS},
        asset_urls=workflow.asset_urls or [],
        total_duration=workflow.total_duration,
        error=error,
        created_at=workflow.created_at,
        updated_at=workflow.updated_at,
    )
