"""The dashboard page: the same dashboard service as GET /api/dashboard, rendered."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from creative_hub.dashboard import service
from creative_hub.dashboard.schemas import Dashboard
from creative_hub.db.session import SessionDep
from creative_hub.models.user import User
from creative_hub.providers.remote.circuit import Health
from creative_hub.tasks.service import TaskService
from creative_hub.web.deps import PageUser
from creative_hub.web.render import render

router = APIRouter(include_in_schema=False)

# Units in the usage table, in the order shown, with their labels (translated in the page).
USAGE_UNITS = ("tokens", "characters", "images", "audio_seconds", "video_seconds")


async def _dashboard(request: Request, session: SessionDep, user: User) -> Dashboard:
    runtime = request.app.state.runtime
    tasks = TaskService(session, runtime.bus, runtime.store)
    return await service.build(session, tasks, runtime.providers, user)


def unhealthy(request: Request, data: Dashboard) -> dict[str, Health]:
    """Remote providers on the page whose circuit is not closed, with the details the JSON
    carries only as a state: failures in a row, seconds until the next try, last error."""
    shown = {p.name for p in data.providers if p.health not in (None, "closed")}
    health: dict[str, Health] = request.app.state.runtime.remote.health()
    return {name: h for name, h in health.items() if name in shown and not h.healthy}


@router.get("/")
async def dashboard_page(request: Request, user: PageUser, session: SessionDep) -> Response:
    data = await _dashboard(request, session, user)
    context = {"nav": "dashboard", "d": data, "units": USAGE_UNITS}
    return render(request, "dashboard/index.html", {**context, "health": unhealthy(request, data)})


@router.get("/dashboard/activity")
async def dashboard_activity(request: Request, user: PageUser, session: SessionDep) -> Response:
    """Running and recent tasks, refreshed by htmx when a followed task ends."""
    data = await _dashboard(request, session, user)
    return render(request, "dashboard/_activity.html", {"d": data})
