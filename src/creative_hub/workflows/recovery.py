"""At start-up: no workflow stays 'running' without a live task.

The task executor's recovery runs first: an orphaned step task is queued again (the
workflow then resumes from that step) or, past its attempts, failed with worker_lost
(the workflow is then marked failed with that error).
"""

from __future__ import annotations

from typing import Any

from creative_hub.workflows.events import publish_workflow
from creative_hub.workflows.repository import WorkflowRepository
from creative_hub.workflows.state import settle


async def settle_interrupted(runtime: Any) -> int:
    settled = 0
    async with runtime.sessionmaker() as session:
        repo = WorkflowRepository(session)
        changed = []
        for workflow in await repo.running():
            if await repo.active_tasks(workflow.id):
                continue
            tasks = await repo.tasks(workflow.id)
            settle(workflow, tasks[0] if tasks else None)
            changed.append(workflow)
        await session.commit()
        for workflow in changed:
            await publish_workflow(runtime.bus, workflow)
            settled += 1
    return settled
