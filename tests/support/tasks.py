"""Scripted job handlers and direct task creation, for testing the engine itself."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from creative_hub.models.enums import TaskType
from creative_hub.models.user import User
from creative_hub.tasks.registry import HandlerRegistry, JobContext, JobError, JobResult
from creative_hub.tasks.service import TaskService
from creative_hub.usage.service import Usage


@dataclass
class Script:
    """What the scripted handler saw; `gate` holds handlers that ask to block."""

    gate: asyncio.Event = field(default_factory=asyncio.Event)
    started: list[uuid.UUID] = field(default_factory=list)
    running: int = 0
    max_running: int = 0
    cancelled_seen: list[uuid.UUID] = field(default_factory=list)


def install_scripted_handler(
    handlers: HandlerRegistry, script: Script, task_type: TaskType = TaskType.speech
) -> None:
    async def scripted(ctx: JobContext) -> JobResult:
        spec = ctx.input_data
        script.started.append(ctx.task_id)
        script.running += 1
        script.max_running = max(script.max_running, script.running)
        try:
            steps = int(spec.get("steps", 1))
            if spec.get("block_before_steps"):
                await script.gate.wait()
            for i in range(steps):
                await ctx.check_cancelled()
                await ctx.progress(int((i + 1) * 100 / steps) - 1, f"step {i + 1} of {steps}")
                await asyncio.sleep(float(spec.get("sleep", 0)))
            if spec.get("block"):
                await script.gate.wait()
            if spec.get("fail") == "job":
                raise JobError("prompt_rejected", "The prompt was rejected; rephrase it.")
            if spec.get("fail") == "crash":
                raise RuntimeError("secret internal detail /etc/passwd")
            if spec.get("fail_first_attempt") and ctx.attempt == 1:
                raise JobError("flaky", "Failed on the first attempt.")
            return JobResult(
                output_data={"echo": spec.get("prompt"), "attempt": ctx.attempt},
                provider="test",
                model="scripted",
                usage=[Usage("speech", "test", "audio_seconds", float(spec.get("usage", 0)))],
            )
        except asyncio.CancelledError:
            script.cancelled_seen.append(ctx.task_id)
            raise
        finally:
            script.running -= 1

    handlers.register(task_type, scripted)


async def create_task(
    app: FastAPI,
    user_id: str | uuid.UUID,
    input_data: dict[str, Any],
    task_type: TaskType = TaskType.speech,
    *,
    enqueue: bool = True,
) -> str:
    runtime = app.state.runtime
    async with runtime.sessionmaker() as session:
        user = await session.get(User, uuid.UUID(str(user_id)))
        assert user is not None
        task = await TaskService(session, runtime.bus, runtime.store).create(
            user, task_type, input_data
        )
        await session.commit()
    if enqueue:
        await runtime.queue.enqueue(task.id)
    return str(task.id)
