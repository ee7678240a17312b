"""The dashboard: one call that gathers counts, recent and running work, providers and usage."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.dashboard.schemas import Dashboard, ProviderStatus, RecentTask, UsageSummary
from creative_hub.models.enums import TaskStatus
from creative_hub.models.user import User
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.tasks.page_query import TaskFilters
from creative_hub.tasks.schemas import TaskLike, TaskRead
from creative_hub.tasks.service import TaskService
from creative_hub.usage import service as usage_service

RECENT = 8
RUNNING = 20


def thumbnail_of(task: TaskLike) -> str | None:
    data: dict[str, Any] = task.output_data or {}
    url = data.get("thumbnail_url")
    return url if isinstance(url, str) else None


# Why a provider is unavailable is the server's own text and may name its folders or
# settings: administrators get it; everyone else, this.
NOT_SET_UP = "Not set up on this server; an administrator can enable it."


def provider_statuses(providers: ProviderRegistry, *, details: bool) -> list[ProviderStatus]:
    out = []
    for info in providers.describe():
        out.append(
            ProviderStatus(
                name=info.name,
                capability=info.capability.value,
                label=info.label,
                neural=info.neural,
                local=info.local,
                available=info.available,
                reason=(info.unavailable_reason if details else NOT_SET_UP)
                if info.unavailable_reason
                else None,
                default=providers.default_name(info.capability) == info.name,
                health=providers.health(info.name),
            )
        )
    return out


async def build(
    session: AsyncSession, tasks: TaskService, providers: ProviderRegistry, user: User
) -> Dashboard:
    stats = await tasks.stats(user)
    recent, _ = await tasks.list(user, TaskFilters(), limit=RECENT, cursor=None)
    running: list[TaskLike] = []
    if stats.by_status.get(TaskStatus.running.value) or stats.by_status.get(
        TaskStatus.queued.value
    ):
        # Queued first: a task that starts between the two reads is then seen twice
        # (once dropped below), never missed; skipping a status by its count could miss it.
        queued, _ = await tasks.list(
            user, TaskFilters(status=TaskStatus.queued), limit=RUNNING, cursor=None
        )
        started, _ = await tasks.list(
            user, TaskFilters(status=TaskStatus.running), limit=RUNNING, cursor=None
        )
        seen = {t.id for t in started}
        running = [*started, *(t for t in queued if t.id not in seen)]
    usage = await usage_service.this_month(session, user.id)
    return Dashboard(
        stats=stats,
        recent=[
            RecentTask(task=TaskRead.from_model(t), thumbnail_url=thumbnail_of(t)) for t in recent
        ],
        running=[TaskRead.from_model(t) for t in running[:RUNNING]],
        providers=provider_statuses(providers, details=user.is_superuser),
        usage=UsageSummary(**usage),
    )
