"""Video requests: every input checked (owner, media type, readable subtitles) before a task."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.assets import service as assets
from creative_hub.kit.errors import BadRequest
from creative_hub.models.enums import TaskType
from creative_hub.models.task import Task
from creative_hub.models.user import User
from creative_hub.providers.base import Capability, ProviderError
from creative_hub.providers.local.subtitles import parse_srt, parse_vtt
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.storage.base import AssetStore
from creative_hub.tasks.service import TaskService
from creative_hub.videos import schemas


def _available(providers: ProviderRegistry, capability: Capability, model: str | None) -> str:
    name, _, _ = providers.resolve(capability, model)
    info = providers.info(capability, name)
    if not info.available:
        raise BadRequest(
            f"The {capability.value} provider {name} is not available: {info.unavailable_reason}",
            code="provider_unavailable",
        )
    return name


async def request_text_to_video(
    tasks: TaskService, providers: ProviderRegistry, user: User, data: schemas.TextToVideoRequest
) -> Task:
    _available(providers, Capability.image, data.model)
    name = _available(providers, Capability.image_to_video, None)
    input_data = data.model_dump()
    return await tasks.create(
        user, TaskType.text_to_video, input_data, provider=name, model=data.model
    )


async def request_image_to_video(
    session: AsyncSession,
    tasks: TaskService,
    providers: ProviderRegistry,
    user: User,
    data: schemas.ImageToVideoRequest,
) -> Task:
    name = _available(providers, Capability.image_to_video, data.model)
    asset = await assets.require_media(session, data.asset_id, user.id, "image")
    input_data = {**data.model_dump(mode="json"), "prompt": f"animate {asset.filename}"}
    return await tasks.create(
        user, TaskType.image_to_video, input_data, provider=name, model=data.model
    )


async def read_subtitles(store: AssetStore, key: str, mime: str) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as scratch:
        path = await store.local_path(key, Path(scratch))
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    try:
        cues = parse_vtt(text) if text.lstrip().startswith("WEBVTT") else parse_srt(text)
    except (ProviderError, ValueError) as exc:
        raise BadRequest(
            "The subtitles file is not valid SRT or WebVTT.", code="invalid_subtitles"
        ) from exc
    if not cues:
        raise BadRequest("The subtitles file has no cues.", code="invalid_subtitles")
    return [{"start": c.start, "end": c.end, "text": c.text} for c in cues]


async def request_compose(
    session: AsyncSession,
    store: AssetStore,
    tasks: TaskService,
    providers: ProviderRegistry,
    user: User,
    data: schemas.ComposeRequest,
) -> Task:
    name = _available(providers, Capability.video_compose, None)
    visuals = []
    for asset_id in data.visuals:
        asset = await assets.require_media(session, asset_id, user.id, "image", "video")
        visuals.append({"asset_id": str(asset.id), "kind": asset.mime_type.split("/")[0]})
    for track in data.audio:
        await assets.require_media(session, track.asset_id, user.id, "audio")
    cues = [c.model_dump() for c in data.subtitles]
    if data.subtitles_asset_id:
        subtitles = await assets.require_media(session, data.subtitles_asset_id, user.id, "text")
        cues = await read_subtitles(store, subtitles.storage_key, subtitles.mime_type)
    input_data = {
        **data.model_dump(mode="json", exclude={"visuals", "subtitles", "subtitles_asset_id"}),
        "visuals": visuals,
        "subtitles": cues,
        "prompt": " ".join(c["text"] for c in cues)[:2000] or f"compose {len(visuals)} visuals",
    }
    return await tasks.create(
        user, TaskType.video_compose, input_data, provider=name, model="ffmpeg"
    )
