"""What job handlers share: a scratch folder, input files from assets, outputs saved as assets."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from creative_hub.assets import service as assets
from creative_hub.assets.service import asset_url
from creative_hub.models.asset import Asset
from creative_hub.providers.base import Progress
from creative_hub.tasks.registry import JobContext, JobError


def _runtime(ctx: JobContext) -> Any:
    return ctx.runtime


@asynccontextmanager
async def workspace(ctx: JobContext) -> AsyncIterator[Path]:
    """A private scratch folder for this attempt, removed afterwards whatever happens."""
    root = _runtime(ctx).settings.data_dir / "work" / f"{ctx.task_id}-{ctx.attempt}"
    await asyncio.to_thread(root.mkdir, parents=True, exist_ok=True)
    try:
        yield root
    finally:
        await asyncio.to_thread(shutil.rmtree, root, True)


def progress_between(ctx: JobContext, start: int, end: int) -> Progress:
    """An engine's progress (a 0..1 fraction) reported as start..end percent of the task."""

    async def report(fraction: float, message: str | None = None) -> None:
        await ctx.progress(start + int((end - start) * max(0.0, min(1.0, fraction))), message)

    return report


async def input_file(
    ctx: JobContext, asset_id: str | uuid.UUID, scratch: Path, *kinds: str
) -> tuple[Asset, Path]:
    """The user's input asset and a readable path to its bytes (checked again at run time)."""
    runtime = _runtime(ctx)
    async with runtime.sessionmaker() as session:
        try:
            asset = await assets.require_media(
                session, uuid.UUID(str(asset_id)), ctx.user_id, *kinds
            )
        except Exception as exc:
            message = getattr(exc, "message", "The input file is not available.")
            raise JobError(getattr(exc, "code", "asset_not_found"), message) from exc
    try:
        path = await runtime.store.local_path(asset.storage_key, scratch)
    except FileNotFoundError as exc:
        raise JobError(
            "asset_content_missing", f"The content of asset {asset.id} is missing."
        ) from exc
    return asset, path


async def save_output(
    ctx: JobContext,
    source: Path | bytes,
    mime_type: str,
    filename: str,
) -> dict[str, str]:
    """Store a produced file (consumed) or bytes as the task's asset: {asset_id, url}."""
    runtime = _runtime(ctx)
    async with runtime.sessionmaker() as session:
        if isinstance(source, bytes):
            asset = await assets.save_bytes(
                session,
                runtime.store,
                user_id=ctx.user_id,
                data=source,
                mime_type=mime_type,
                filename=filename,
                task_id=ctx.task_id,
            )
        else:
            asset = await assets.save_file(
                session,
                runtime.store,
                user_id=ctx.user_id,
                path=source,
                mime_type=mime_type,
                filename=filename,
                task_id=ctx.task_id,
            )
        await session.commit()
    return {"asset_id": str(asset.id), "url": asset_url(asset.id)}
