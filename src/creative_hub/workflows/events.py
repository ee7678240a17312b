"""The workflow's SSE channel: a 'workflow' event on every step change, 'progress' between."""

from __future__ import annotations

import uuid
from typing import Any

from creative_hub.events.base import EventBus
from creative_hub.models.workflow import Workflow
from creative_hub.workflows.state import to_read


def workflow_channel(workflow_id: uuid.UUID) -> str:
    return f"workflow:{workflow_id}"


def snapshot(workflow: Workflow) -> dict[str, Any]:
    return {"type": "workflow", "workflow": to_read(workflow).model_dump(mode="json")}


async def publish_workflow(bus: EventBus, workflow: Workflow) -> None:
    await bus.publish(workflow_channel(workflow.id), snapshot(workflow))
