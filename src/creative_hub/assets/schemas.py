from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from creative_hub.assets.service import asset_url
from creative_hub.kit.time import as_utc
from creative_hub.models.asset import Asset


class AssetRead(BaseModel):
    id: uuid.UUID
    url: str
    mime_type: str
    size_bytes: int
    checksum: str
    filename: str
    task_id: uuid.UUID | None
    created_at: datetime

    @classmethod
    def from_model(cls, asset: Asset) -> AssetRead:
        return cls(
            id=asset.id,
            url=asset_url(asset.id),
            mime_type=asset.mime_type,
            size_bytes=asset.size_bytes,
            checksum=asset.checksum,
            filename=asset.filename,
            task_id=asset.task_id,
            created_at=as_utc(asset.created_at),
        )
