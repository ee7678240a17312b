"""The usage ledger: what each piece of work used, summed for the dashboard and quotas."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.kit.time import utcnow
from creative_hub.usage.repository import UsageRepository

# The units a provider may report. Quantities are floats (audio seconds are fractional).
UNITS = ("tokens", "characters", "images", "audio_seconds", "video_seconds")


@dataclass(frozen=True)
class Usage:
    capability: str
    provider: str
    unit: str
    quantity: float
    model: str | None = None


async def record(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    items: list[Usage],
    task_id: uuid.UUID | None = None,
) -> None:
    """Insert the ledger rows now, in the session's transaction (one statement)."""
    rows = []
    for item in items:
        if item.unit not in UNITS:
            raise ValueError(f"unknown usage unit {item.unit!r}")
        if item.quantity <= 0:
            continue
        rows.append(
            {
                "id": uuid.uuid4(), "user_id": user_id, "task_id": task_id,
                "capability": item.capability, "provider": item.provider, "model": item.model,
                "unit": item.unit, "quantity": float(item.quantity), "created_at": utcnow(),
            }
        )  # fmt: skip
    if rows:
        await UsageRepository(session).insert(rows)


def month_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def this_month(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    """Usage since the first of this month (UTC): totals per unit, and per capability/provider."""
    since = month_start()
    rows = await UsageRepository(session).totals_since(user_id, since)
    totals: dict[str, float] = {}
    for _, _, unit, quantity, _ in rows:
        totals[unit] = totals.get(unit, 0.0) + quantity
    return {
        "since": since,
        "totals": {unit: round(q, 3) for unit, q in totals.items()},
        "by_capability": [
            {"capability": c, "provider": p, "unit": u, "quantity": round(q, 3), "count": n}
            for c, p, u, q, n in rows
        ],
    }
