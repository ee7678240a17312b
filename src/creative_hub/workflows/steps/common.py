"""What every step runner is given, and per-scene work run in parallel with progress."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from creative_hub.models.enums import WorkflowStep
from creative_hub.providers.base import Progress
from creative_hub.tasks.registry import JobContext, JobError
from creative_hub.workflows.schemas import WorkflowOptions

T = TypeVar("T")
R = TypeVar("R")

# Two CPU cores: two scenes at a time keeps both busy without thrashing.
SCENE_CONCURRENCY = 2


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


async def each_scene(
    ctx: JobContext,
    state: WorkflowState,
    items: Sequence[T],
    work: Callable[[T], Awaitable[R]],
    label: str,
) -> list[R]:
    """Run work(item) for every scene, SCENE_CONCURRENCY at a time, in order of results."""
    gate = asyncio.Semaphore(SCENE_CONCURRENCY)
    done = 0

    async def one(item: T) -> R:
        nonlocal done
        async with gate:
            await ctx.check_cancelled()
            result = await work(item)
        done += 1
        await state.progress(done / len(items), f"{label} {done} of {len(items)}")
        return result

    return list(await asyncio.gather(*(one(item) for item in items)))
