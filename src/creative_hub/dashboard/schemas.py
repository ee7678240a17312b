from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from creative_hub.tasks.schemas import TaskRead, TaskStats


class RecentTask(BaseModel):
    task: TaskRead
    # A small image for the list: set by image and video jobs in output_data.
    thumbnail_url: str | None


class ProviderStatus(BaseModel):
    name: str
    capability: str
    label: str
    neural: bool
    local: bool
    available: bool
    reason: str | None
    default: bool
    # Remote providers: closed (healthy), open (failing fast after errors), half_open.
    health: str | None = None


class UsageSummary(BaseModel):
    since: datetime
    totals: dict[str, float]
    by_capability: list[dict[str, Any]]


class Dashboard(BaseModel):
    stats: TaskStats
    recent: list[RecentTask]
    running: list[TaskRead]
    providers: list[ProviderStatus]
    usage: UsageSummary
