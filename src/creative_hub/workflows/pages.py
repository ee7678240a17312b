"""The Workflows page (/workflows): create from an idea or a template, then a stepper with
each step's output, editing, reruns, run all, cancel and the final video.

Every action calls WorkflowService as /api/workflows does; static/workflows.js follows
GET /api/workflows/{id}/events and re-fetches the stepper (/workflows/{id}/stepper) when a
step changes.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.responses import HTMLResponse, RedirectResponse, Response

from creative_hub.kit.errors import AppError
from creative_hub.models.enums import WorkflowStep
from creative_hub.models.user import User
from creative_hub.web import feature_forms
from creative_hub.web.deps import PageUser
from creative_hub.web.render import _, is_htmx, render
from creative_hub.workflows.endpoints import ServiceDep
from creative_hub.workflows.schemas import STEPS, WorkflowCreate, WorkflowRead
from creative_hub.workflows.service import WorkflowService
from creative_hub.workflows.state import next_step, to_read
from creative_hub.workflows.templates import list_templates

router = APIRouter(prefix="/workflows", include_in_schema=False)
LIST_SIZE = 20


def _step_json(workflow: WorkflowRead) -> dict[str, str]:
    """Each step's data as editable JSON (what PUT .../steps/{step} takes)."""
    out = {}
    for step in STEPS:
        data = getattr(workflow, f"{step.value}_data")
        if data is not None:
            out[step.value] = json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return out


async def _stepper(
    request: Request,
    user: User,
    service: WorkflowService,
    workflow_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    drafts: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    workflow = await service.get(user, workflow_id)
    read = to_read(workflow)
    step = next_step(workflow)
    context = {
        "wf": read,
        "next_step": step.value if step else None,
        "step_json": {**_step_json(read), **(drafts or {})},
        "errors": errors or {},
    }
    return render(request, "workflows/_stepper.html", context, status=status)


@router.get("", response_class=HTMLResponse)
async def workflows_page(
    request: Request,
    user: PageUser,
    service: ServiceDep,
    idea: Annotated[str | None, Query(max_length=1000)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    rows, next_cursor = await service.list(user, limit=LIST_SIZE, cursor=cursor)
    context = {
        "nav": "workflows",
        "workflows": [to_read(w) for w in rows],
        "next_cursor": next_cursor,
        "templates": list_templates().items,
        "form": {"idea": idea or ""},
        "errors": {},
    }
    return render(request, "workflows/index.html", context)


@router.post("", response_class=HTMLResponse)
async def create(request: Request, user: PageUser, service: ServiceDep) -> Response:
    posted = feature_forms.values(await request.form())
    run_now = posted.pop("run", None) == "1"
    parsed, errors = feature_forms.validate(request, WorkflowCreate, posted)
    if parsed is not None:
        try:
            workflow = await service.create(user, parsed)
            if run_now:
                workflow = await service.run_all(user, workflow.id)
        except RequestValidationError as exc:
            errors = {str(e["loc"][1]): str(e["msg"]) for e in exc.errors()}
        except AppError as exc:
            errors = feature_forms.service_errors(request, exc)
        else:
            target = f"/workflows/{workflow.id}"
            if is_htmx(request):
                return Response(status_code=204, headers={"HX-Redirect": target})
            return RedirectResponse(target, status_code=303)
    if errors.get("__all__") and not posted.get("idea") and not posted.get("template"):
        # The model's "give an idea, a template, or both", said next to the idea field.
        del errors["__all__"]
        errors["idea"] = _(request, "Write an idea, or choose a template.")
    context = {"templates": list_templates().items, "form": posted, "errors": errors}
    return render(request, "workflows/_create.html", context, status=422)


@router.get("/{workflow_id}", response_class=HTMLResponse)
async def workflow_page(
    workflow_id: uuid.UUID, request: Request, user: PageUser, service: ServiceDep
) -> Response:
    workflow = await service.get(user, workflow_id)
    read = to_read(workflow)
    step = next_step(workflow)
    context = {
        "nav": "workflows",
        "wf": read,
        "next_step": step.value if step else None,
        "step_json": _step_json(read),
        "errors": {},
    }
    return render(request, "workflows/detail.html", context)


@router.get("/{workflow_id}/stepper", response_class=HTMLResponse)
async def stepper(
    workflow_id: uuid.UUID, request: Request, user: PageUser, service: ServiceDep
) -> Response:
    return await _stepper(request, user, service, workflow_id)


@router.post("/{workflow_id}/run", response_class=HTMLResponse)
async def run_all(
    workflow_id: uuid.UUID, request: Request, user: PageUser, service: ServiceDep
) -> Response:
    await service.run_all(user, workflow_id)
    return await _stepper(request, user, service, workflow_id)


@router.post("/{workflow_id}/cancel", response_class=HTMLResponse)
async def cancel(
    workflow_id: uuid.UUID, request: Request, user: PageUser, service: ServiceDep
) -> Response:
    await service.cancel(user, workflow_id)
    return await _stepper(request, user, service, workflow_id)


@router.post("/{workflow_id}/steps/{step}/run", response_class=HTMLResponse)
async def run_step(
    workflow_id: uuid.UUID,
    step: WorkflowStep,
    request: Request,
    user: PageUser,
    service: ServiceDep,
) -> Response:
    await service.run_step(user, workflow_id, step)
    return await _stepper(request, user, service, workflow_id)


@router.post("/{workflow_id}/steps/{step}", response_class=HTMLResponse)
async def edit_step(
    workflow_id: uuid.UUID,
    step: WorkflowStep,
    request: Request,
    user: PageUser,
    service: ServiceDep,
) -> Response:
    text = str((await request.form()).get("data") or "")
    try:
        data = json.loads(text)
    except ValueError as exc:
        message = _(request, "This is not valid JSON: %(error)s") % {"error": exc}
        errors = {step.value: message}
        drafts = {step.value: text}
        return await _stepper(
            request, user, service, workflow_id, errors=errors, drafts=drafts, status=422
        )
    try:
        await service.put_step(user, workflow_id, step, data)
    except RequestValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"][2:]) or step.value
        errors = {step.value: f"{where}: {first['msg']}"}
        drafts = {step.value: text}
        return await _stepper(
            request, user, service, workflow_id, errors=errors, drafts=drafts, status=422
        )
    return await _stepper(request, user, service, workflow_id)


@router.post("/{workflow_id}/script-lines", response_class=HTMLResponse)
async def edit_script_lines(
    workflow_id: uuid.UUID, request: Request, user: PageUser, service: ServiceDep
) -> Response:
    """The script as a form: its title and each scene's narration, saved as the step's data
    (the same PUT as the JSON editor, with the other fields kept)."""
    form = await request.form()
    script = to_read(await service.get(user, workflow_id)).script_data
    if script is None:
        return await _stepper(request, user, service, workflow_id)
    data = script.model_dump(mode="json")
    data["title"] = str(form.get("title") or "").strip()
    for scene in data["scenes"]:
        scene["narration"] = str(form.get(f"narration_{scene['index']}") or "").strip()
    try:
        await service.put_step(user, workflow_id, WorkflowStep.script, data)
    except RequestValidationError as exc:
        first = exc.errors()[0]
        where = [str(p) for p in first["loc"][2:]]
        field = f"narration_{where[1]}" if where[:1] == ["scenes"] and len(where) > 1 else "title"
        return await _stepper(
            request,
            user,
            service,
            workflow_id,
            errors={field: feature_forms.message(request, first)},
            status=422,
        )
    return await _stepper(request, user, service, workflow_id)


@router.delete("/{workflow_id}")
async def delete(workflow_id: uuid.UUID, user: PageUser, service: ServiceDep) -> Response:
    await service.delete(user, workflow_id)
    return Response(status_code=204, headers={"HX-Redirect": "/workflows"})
