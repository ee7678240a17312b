"""Every query on the providers table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.provider import ProviderRecord


class ProvidersRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def all(self) -> Sequence[ProviderRecord]:
        result = await self.session.scalars(select(ProviderRecord).order_by(ProviderRecord.name))
        return result.all()

    async def get(self, provider_id: uuid.UUID) -> ProviderRecord | None:
        return await self.session.get(ProviderRecord, provider_id)

    async def by_name(self, name: str) -> ProviderRecord | None:
        return await self.session.scalar(select(ProviderRecord).where(ProviderRecord.name == name))

    def add(self, record: ProviderRecord) -> None:
        self.session.add(record)

    async def delete(self, record: ProviderRecord) -> None:
        await self.session.delete(record)

    async def version(self) -> tuple[int, datetime | None]:
        """Moves whenever a provider is added, changed or removed: one cheap query."""
        row = (
            await self.session.execute(
                select(func.count(ProviderRecord.id), func.max(ProviderRecord.updated_at))
            )
        ).one()
        return int(row[0]), row[1]
