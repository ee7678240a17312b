"""Every query on assets."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.models.asset import Asset


class AssetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, asset: Asset) -> None:
        self.session.add(asset)

    async def get(self, asset_id: uuid.UUID) -> Asset | None:
        return await self.session.get(Asset, asset_id)

    async def for_task(self, task_id: uuid.UUID) -> Sequence[Asset]:
        return (await self.session.scalars(select(Asset).where(Asset.task_id == task_id))).all()

    async def delete(self, asset_ids: list[uuid.UUID]) -> None:
        if asset_ids:
            await self.session.execute(delete(Asset).where(Asset.id.in_(asset_ids)))

    async def key_in_use(self, storage_key: str) -> bool:
        stmt = select(func.count()).select_from(Asset).where(Asset.storage_key == storage_key)
        return bool(await self.session.scalar(stmt))
