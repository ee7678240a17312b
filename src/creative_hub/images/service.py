"""Image requests: validated in full before a task exists, then run by jobs.py."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.assets import service as assets
from creative_hub.images.schemas import ImageGenerationRequest, UpscaleRequest
from creative_hub.kit.errors import BadRequest
from creative_hub.models.enums import TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.providers.base import Capability
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.storage.base import AssetStore
from creative_hub.tasks.service import TaskService

UPSCALE_MAX = (3840, 2160)


def model_address(request_provider: str | None, request_model: str | None) -> str | None:
    """`model` wins; a bare `provider` picks that provider's default model."""
    return request_model or request_provider


async def request_generation(
    tasks: TaskService, providers: ProviderRegistry, user: User, data: ImageGenerationRequest
) -> Task:
    address = model_address(data.provider, data.model)
    name, _, model_id = providers.resolve(Capability.image, address)
    info = providers.info(Capability.image, name)
    if not info.available:
        raise BadRequest(
            f"The image provider {info.name} is not available: {info.unavailable_reason}",
            code="provider_unavailable",
        )
    max_w, max_h = info.supports.get("max_size", (2048, 2048))
    min_w, min_h = info.supports.get("min_size", (64, 64))
    if not (min_w <= data.width <= max_w and min_h <= data.height <= max_h):
        raise BadRequest(
            f"{info.name} makes images from {min_w}x{min_h} to {max_w}x{max_h}; "
            f"{data.width}x{data.height} is outside that.",
            code="invalid_size",
            details={"min": [min_w, min_h], "max": [max_w, max_h]},
        )
    input_data: dict[str, Any] = data.model_dump(exclude={"provider"})
    input_data["model"] = address
    return await tasks.create(
        user, TaskType.image_generation, input_data, provider=info.name, model=model_id
    )


async def image_size(store: AssetStore, key: str) -> tuple[int, int]:
    from PIL import Image  # loaded on first use, not at start-up

    def read(path: Path) -> tuple[int, int]:
        with Image.open(path) as image:
            return image.size

    with tempfile.TemporaryDirectory() as scratch:
        return await asyncio.to_thread(read, await store.local_path(key, Path(scratch)))


async def request_upscale(
    session: AsyncSession, store: AssetStore, tasks: TaskService, user: User, data: UpscaleRequest
) -> Task:
    asset = await assets.require_media(session, data.asset_id, user.id, "image")
    width, height = await image_size(store, asset.storage_key)
    if width * data.scale > UPSCALE_MAX[0] or height * data.scale > UPSCALE_MAX[1]:
        raise BadRequest(
            f"{width}x{height} x{data.scale} would exceed {UPSCALE_MAX[0]}x{UPSCALE_MAX[1]}; "
            "choose a smaller scale.",
            code="upscale_too_large",
        )
    return await tasks.create(
        user,
        TaskType.image_upscale,
        {"asset_id": str(asset.id), "scale": data.scale, "prompt": f"upscale {asset.filename}"},
        provider="local",
        model="lanczos",
    )
