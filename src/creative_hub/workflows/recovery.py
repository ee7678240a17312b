"""At start-up: no workflow stays 'running' without a live step task.

The task executor's recovery runs first: an orphaned step task is queued again (the
workflow then resumes from that step, and the step finds its scene tasks, also queued
again, and keeps the finished ones) or, past its attempts, failed with worker_lost (the
workflow is then marked failed with that error and its unfinished scene tasks cancelled).
"""

from __future__ import annotations

from typing import Any

from creative_hub.db.session import run_after_commit
from creative_hub.workflows.children import cancel_leftovers
from creative_hub.workflows.events import publish_workflow
from creative_hub.workflows.repository import WorkflowRepository
from creative_hub.workflows.state import settle


async def settle_interrupted(runtime: Any) -> int:
    settled = 0
    async with runtime.sessionmaker() as session:
        repo = WorkflowRepository(session)
        changed = []
        for workflow in await repo.running():
            if await repo.active_tasks(workflow.id, steps_only=True):
                continue
            await cancel_leftovers(session, runtime.bus, runtime.store, workflow)
            settle(workflow, await repo.latest_step_task(workflow.id))
            changed.append(workflow)
        await session.commit()
        await run_after_commit(session)
        for workflow in changed:
            await publish_workflow(runtime.bus, workflow)
            settled += 1
    return settled
