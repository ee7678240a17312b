"""The rules of workflows: create, read, edit steps, run in order, cancel, delete."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.db.session import after_commit
from creative_hub.events.base import EventBus
from creative_hub.kit.errors import Conflict, NotFound
from creative_hub.kit.pagination import decode_cursor, encode_cursor
from creative_hub.kit.time import utcnow
from creative_hub.models.enums import TaskStatus, TaskType, WorkflowStatus, WorkflowStep
from creative_hub.models.user import User
from creative_hub.models.workflow import Workflow
from creative_hub.storage.base import AssetStore
from creative_hub.tasks.service import TaskService
from creative_hub.workflows import rules
from creative_hub.workflows.children import cancel_leftovers
from creative_hub.workflows.events import publish_workflow
from creative_hub.workflows.repository import WorkflowRepository
from creative_hub.workflows.schemas import (
    STEP_SCHEMAS,
    STEPS,
    WorkflowCreate,
    WorkflowOptions,
    WorkflowPatch,
)
from creative_hub.workflows.state import (
    mark_later_stale,
    next_step,
    require_runnable,
    set_step,
    settle,
)
from creative_hub.workflows.templates import DEFAULT_TEMPLATE, TEMPLATES


def _validated(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    """Validate like a request body, so errors are the usual 422 validation_error."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [{**e, "loc": ("body", where, *e["loc"])} for e in exc.errors()]
        raise RequestValidationError(errors) from exc


def _options(base: dict[str, Any], overrides: dict[str, Any] | None) -> WorkflowOptions:
    options = _validated(WorkflowOptions, {**base, **(overrides or {})}, "options")
    assert isinstance(options, WorkflowOptions)
    # Imported here: the music package loads numpy, which start-up does not need.
    from creative_hub.providers.local.music.moods import MOODS

    if options.music_mood not in MOODS:
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("body", "options", "music_mood"),
                    "msg": f"unknown mood; choose one of {', '.join(MOODS)}",
                    "input": options.music_mood,
                }
            ]
        )
    return options


class WorkflowService:
    def __init__(self, session: AsyncSession, bus: EventBus, store: AssetStore) -> None:
        self.session = session
        self.bus = bus
        self.store = store
        self.repo = WorkflowRepository(session)
        self.tasks = TaskService(session, bus, store)

    def _publish_after_commit(self, workflow: Workflow) -> None:
        async def publish() -> None:
            await publish_workflow(self.bus, workflow)

        after_commit(self.session, publish)

    # -- create, read ---------------------------------------------------------------

    async def create(self, user: User, data: WorkflowCreate) -> Workflow:
        template_id = data.template or DEFAULT_TEMPLATE
        template = TEMPLATES.get(template_id)
        if template is None:
            raise RequestValidationError(
                [
                    {
                        "type": "value_error",
                        "loc": ("body", "template"),
                        "msg": f"unknown template; choose one of {', '.join(TEMPLATES)}",
                        "input": data.template,
                    }
                ]
            )
        idea = (data.idea or template.example_idea).strip()
        base = template.options.model_dump()
        seconds = rules.planned_seconds(idea)
        if seconds is not None and 5 <= seconds <= 300:
            base["duration"] = seconds  # the idea's own length beats the template's
        options = _options(base, data.options)
        now = utcnow()
        workflow = Workflow(
            id=uuid.uuid4(),
            user_id=user.id,
            name=(data.name or idea[:200]).strip(),
            description="",
            idea=idea,
            options={**options.model_dump(), "template": template_id},
            step_states={s.value: {"state": "pending"} for s in STEPS},
            status=WorkflowStatus.draft,
            current_step=WorkflowStep.script,
            asset_urls=[],
            created_at=now,
            updated_at=now,
        )
        self.repo.add(workflow)
        await self.session.flush()
        return workflow

    async def get(self, user: User, workflow_id: uuid.UUID) -> Workflow:
        workflow = await self.repo.get_owned(workflow_id, user.id)
        if workflow is None:
            # Another user's workflow is "not found" too: never confirm it exists.
            raise NotFound("No workflow with this id.", code="workflow_not_found")
        await self.reconcile(workflow)
        return workflow

    async def reconcile(self, workflow: Workflow) -> None:
        """No workflow stays 'running' without a live task (a crash, a lost worker)."""
        if workflow.status != WorkflowStatus.running:
            return
        if await self.repo.active_tasks(workflow.id, steps_only=True):
            return
        # Scene tasks are only waited for by their step task, which has ended.
        await cancel_leftovers(self.session, self.bus, self.store, workflow)
        settle(workflow, await self.repo.latest_step_task(workflow.id))
        await self.session.flush()

    async def list(
        self, user: User, *, limit: int, cursor: str | None
    ) -> tuple[list[Workflow], str | None]:
        after = decode_cursor(cursor) if cursor else None
        rows = list(await self.repo.page(user.id, limit=limit + 1, after=after))
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor(rows[-1].created_at, rows[-1].id)
        for workflow in rows:
            await self.reconcile(workflow)
        return rows, next_cursor

    # -- edit -----------------------------------------------------------------------

    def _refuse_while_running(self, workflow: Workflow) -> None:
        if workflow.status == WorkflowStatus.running:
            raise Conflict(
                "This workflow is running; cancel it or wait until it stops.",
                code="workflow_running",
            )

    async def patch(self, user: User, workflow_id: uuid.UUID, data: WorkflowPatch) -> Workflow:
        workflow = await self.get(user, workflow_id)
        if data.name is not None:
            workflow.name = data.name
        if data.description is not None:
            workflow.description = data.description
        if data.options is not None:
            self._refuse_while_running(workflow)
            current = {k: v for k, v in (workflow.options or {}).items() if k != "template"}
            options = _options(current, data.options)
            template = (workflow.options or {}).get("template", DEFAULT_TEMPLATE)
            workflow.options = {**options.model_dump(), "template": template}
        workflow.updated_at = utcnow()
        self._publish_after_commit(workflow)
        return workflow

    async def put_step(
        self, user: User, workflow_id: uuid.UUID, step: WorkflowStep, data: Any
    ) -> Workflow:
        workflow = await self.get(user, workflow_id)
        self._refuse_while_running(workflow)
        model = _validated(STEP_SCHEMAS[step], data, "data")
        setattr(workflow, f"{step.value}_data", model.model_dump(mode="json"))
        set_step(workflow, step, "done")
        mark_later_stale(workflow, step)
        workflow.current_step = step
        workflow.status = WorkflowStatus.paused
        workflow.error_code = workflow.error_message = None
        self._publish_after_commit(workflow)
        return workflow

    # -- run, cancel, delete --------------------------------------------------------

    async def start_step(
        self, user: User, workflow: Workflow, step: WorkflowStep, *, run_all: bool
    ) -> Workflow:
        """Queue a task for `step` (the request's commit enqueues it)."""
        require_runnable(workflow, step)
        task = await self.tasks.create(
            user,
            TaskType.workflow_step,
            {"step": step.value, "run_all": run_all, "workflow_name": workflow.name},
            workflow_id=workflow.id,
        )
        set_step(workflow, step, "queued", task_id=task.id)
        workflow.current_step = step
        workflow.status = WorkflowStatus.running
        workflow.error_code = workflow.error_message = None
        self._publish_after_commit(workflow)
        return workflow

    async def run_step(self, user: User, workflow_id: uuid.UUID, step: WorkflowStep) -> Workflow:
        workflow = await self.get(user, workflow_id)
        self._refuse_while_running(workflow)
        return await self.start_step(user, workflow, step, run_all=False)

    async def run_all(self, user: User, workflow_id: uuid.UUID) -> Workflow:
        workflow = await self.get(user, workflow_id)
        self._refuse_while_running(workflow)
        step = next_step(workflow)
        if step is None:
            raise Conflict(
                "Every step is done. Edit a step, or run one again by name.",
                code="workflow_complete",
            )
        return await self.start_step(user, workflow, step, run_all=True)

    async def cancel(self, user: User, workflow_id: uuid.UUID) -> Workflow:
        workflow = await self.get(user, workflow_id)
        if workflow.status != WorkflowStatus.running:
            raise Conflict(
                f"This workflow is {workflow.status.value}; only a running one can be cancelled.",
                code="workflow_not_running",
            )
        for task in await self.repo.active_tasks(workflow.id):
            # A scene task may finish meanwhile: it keeps its result.
            with contextlib.suppress(Conflict):
                await self.tasks.cancel(user, task.id)
        # Done steps keep their data: POST /run later resumes from the cancelled step.
        set_step(workflow, workflow.current_step, "cancelled")
        workflow.status = WorkflowStatus.cancelled
        self._publish_after_commit(workflow)
        return workflow

    async def delete(self, user: User, workflow_id: uuid.UUID) -> None:
        workflow = await self.get(user, workflow_id)
        for task in await self.repo.tasks(workflow.id):
            if task.status in (TaskStatus.queued, TaskStatus.running):
                await self.tasks.cancel(user, task.id)
            # Removes the task's assets (every file a step produced) and the task.
            await self.tasks.delete(user, task.id)
        await self.repo.delete(workflow)

        async def gone() -> None:
            await self.bus.publish(
                f"workflow:{workflow_id}", {"type": "deleted", "workflow_id": str(workflow_id)}
            )

        after_commit(self.session, gone)
