"""What workers run for video: text to video, image to video, composition."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from creative_hub.audio.jobs import save_subtitles
from creative_hub.images.jobs import save_image
from creative_hub.models.enums import TaskType
from creative_hub.providers.base import (
    AudioTrack,
    Capability,
    ClipRequest,
    ComposeRequest,
    ImageRequest,
    TimedText,
    VideoResult,
)
from creative_hub.tasks.job_io import input_file, progress_between, save_output, workspace
from creative_hub.tasks.registry import JobContext, JobResult, default_registry
from creative_hub.usage.service import Usage


async def _video_result(
    ctx: JobContext,
    result: VideoResult,
    stem: str,
    extra: dict[str, Any],
    thumbnail: bytes | None = None,
    provider: str = "local",
    model: str | None = "ffmpeg",
) -> JobResult:
    if thumbnail is None:
        from creative_hub.videos.thumbnails import video_thumbnail  # PyAV on first use

        thumbnail = await asyncio.to_thread(video_thumbnail, result.path)
    thumb = await save_output(ctx, thumbnail, "image/webp", f"{stem}-thumb.webp")
    video = await save_output(ctx, result.path, "video/mp4", f"{stem}.mp4")
    output = {
        "video": video,
        "thumbnail_url": thumb["url"],
        "duration": round(result.duration, 3),
        "width": result.width,
        "height": result.height,
        "fps": result.fps,
        "has_audio": result.has_audio,
        **extra,
    }
    return JobResult(
        output_data=output,
        output_urls=[video["url"]],
        provider=provider,
        model=model,
        usage=[Usage("video", provider, "video_seconds", result.duration, model)],
    )


def _webp(png: bytes) -> bytes:
    from creative_hub.providers.local.storyboard import thumbnail_webp  # Pillow on first use

    return thumbnail_webp(png)


def _clip(data: dict[str, Any], image: Path) -> ClipRequest:
    return ClipRequest(
        image=image,
        duration=float(data["duration"]),
        width=int(data["width"]),
        height=int(data["height"]),
        fps=int(data["fps"]),
        motion=data.get("motion", "zoom_in"),
    )


@default_registry.handler(TaskType.text_to_video)
async def text_to_video(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    providers = ctx.runtime.providers
    name, image_provider, model_id = providers.resolve(Capability.image, data.get("model"))
    await ctx.progress(2, "Drawing the frame")
    frame = await image_provider.generate(
        ImageRequest(
            prompt=data["prompt"],
            width=int(data["width"]),
            height=int(data["height"]),
            seed=data.get("seed"),
            style=data.get("style"),
            model=model_id,
        )
    )
    saved_frame = await save_image(ctx, frame.png, "frame")
    async with workspace(ctx) as scratch:
        still = scratch / "frame.png"
        await asyncio.to_thread(still.write_bytes, frame.png)
        await ctx.check_cancelled()
        result = await providers.image_to_video().animate(
            _clip(data, still), scratch, progress_between(ctx, 10, 95)
        )
        job = await _video_result(
            ctx,
            result,
            "video",
            {"frame": saved_frame, "seed": frame.seed},
            thumbnail=await asyncio.to_thread(_webp, frame.png),
        )
    job.usage.append(Usage(Capability.image.value, name, "images", 1, model_id))
    return job


@default_registry.handler(TaskType.image_to_video)
async def image_to_video(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    async with workspace(ctx) as scratch:
        asset, path = await input_file(ctx, data["asset_id"], scratch, "image")
        source = await asyncio.to_thread(path.read_bytes)
        # The provider the request named ('<provider>/<model>'), else the default one.
        name, animator, model_id = ctx.runtime.providers.resolve(
            Capability.image_to_video, data.get("model")
        )
        result = await animator.animate(_clip(data, path), scratch, progress_between(ctx, 5, 95))
        return await _video_result(
            ctx,
            result,
            "clip",
            {"source_asset_id": str(asset.id)},
            thumbnail=await asyncio.to_thread(_webp, source),
            provider=name,
            model=model_id or ("ffmpeg" if name == "local" else None),
        )


@default_registry.handler(TaskType.video_compose)
async def compose(ctx: JobContext) -> JobResult:
    data = ctx.input_data
    async with workspace(ctx) as scratch:
        visuals = []
        for item in data["visuals"]:
            _, path = await input_file(ctx, item["asset_id"], scratch, "image", "video")
            visuals.append(path)
        tracks = []
        for track in data.get("audio", []):
            _, path = await input_file(ctx, track["asset_id"], scratch, "audio")
            tracks.append(
                AudioTrack(
                    path=path,
                    role=track["role"],
                    gain_db=float(track["gain_db"]),
                    offset=float(track["offset"]),
                )
            )
        cues = tuple(TimedText(c["start"], c["end"], c["text"]) for c in data.get("subtitles", []))
        request = ComposeRequest(
            visuals=visuals,
            width=int(data["width"]),
            height=int(data["height"]),
            fps=int(data["fps"]),
            image_duration=float(data["image_duration"]),
            crossfade=float(data["crossfade"]),
            audio=tracks,
            subtitles=cues,
            burn_subtitles=bool(data.get("burn_subtitles")),
            duck_music=bool(data.get("duck_music", True)),
        )
        result = await ctx.runtime.providers.video_compose().compose(
            request, scratch, progress_between(ctx, 2, 95)
        )
        subtitles = await save_subtitles(ctx, cues, "subtitles")
        job = await _video_result(ctx, result, "film", {**subtitles, "visuals": len(visuals)})
    job.output_urls += list(subtitles.values())
    return job
