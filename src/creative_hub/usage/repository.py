"""Every query on the usage ledger."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.db.prepared import PreparedWrite
from creative_hub.models.usage_record import UsageRecord

_USAGE = cast(Table, UsageRecord.__table__)  # declarative types it as a FromClause


class UsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def insert(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows with every column: compiled once; one trip to SQLite's thread (chat replies
        and finished tasks write one each)."""
        await _insert(self.session.get_bind().dialect).execute_many(self.session, rows)

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


@functools.lru_cache(maxsize=4)
def _insert(dialect: Dialect) -> PreparedWrite:
    return PreparedWrite(insert(_USAGE), dialect, tuple(c.key for c in _USAGE.columns))
