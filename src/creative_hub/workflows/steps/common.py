"""What every step runner is given: a snapshot of the workflow and a progress reporter."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from creative_hub.models.enums import WorkflowStep
from creative_hub.providers.base import Progress
from creative_hub.tasks.registry import JobError
from creative_hub.workflows.schemas import WorkflowOptions


@dataclass(frozen=True)
class WorkflowState:
    """A snapshot of the workflow taken when the step started."""

    id: uuid.UUID
    idea: str
    template: str
    options: WorkflowOptions
    data: dict[WorkflowStep, dict[str, Any] | None]
    progress: Progress

    def need(self, step: WorkflowStep) -> dict[str, Any]:
        value = self.data.get(step)
        if not value:
            raise JobError("step_inputs_missing", f"The {step.value} step has no data yet.")
        return value
