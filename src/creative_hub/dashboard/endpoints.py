"""GET /api/dashboard."""

from __future__ import annotations

from fastapi import APIRouter, Request

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.dashboard import service
from creative_hub.dashboard.schemas import Dashboard
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import Unauthorized, error_responses
from creative_hub.tasks.service import TaskService

router = APIRouter(prefix="/api/dashboard", tags=["dashboard"])


@router.get(
    "",
    response_model=Dashboard,
    responses=error_responses(Unauthorized),
    summary="Counts by type and status, recent and running tasks, providers, usage this month",
)
async def dashboard(request: Request, user: CurrentUser, session: SessionDep) -> Dashboard:
    runtime = request.app.state.runtime
    tasks = TaskService(session, runtime.bus, runtime.store)
    return await service.build(session, tasks, runtime.providers, user)
