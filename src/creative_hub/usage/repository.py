"""Every query on the usage ledger."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.usage_record import UsageRecord


class UsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, record: UsageRecord) -> None:
        self.session.add(record)

    async def totals_since(
        self, user_id: uuid.UUID, since: datetime
    ) -> list[tuple[str, str, str, float, int]]:
        """(capability, provider, unit, summed quantity, rows) for the user since a time."""
        stmt = (
            select(
                UsageRecord.capability,
                UsageRecord.provider,
                UsageRecord.unit,
                func.sum(UsageRecord.quantity),
                func.count(),
            )
            .where(UsageRecord.user_id == user_id, UsageRecord.created_at >= since)
            .group_by(UsageRecord.capability, UsageRecord.provider, UsageRecord.unit)
            .order_by(UsageRecord.capability, UsageRecord.provider, UsageRecord.unit)
        )
        rows = (await self.session.execute(stmt)).all()
        return [(c, p, u, float(q or 0), int(n)) for c, p, u, q, n in rows]
