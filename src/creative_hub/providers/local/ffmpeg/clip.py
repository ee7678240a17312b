"""LocalImageToVideo: a still image -> an H.264 clip with camera motion (no audio)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from creative_hub.providers.base import (
    Capability,
    ClipRequest,
    Progress,
    ProviderError,
    ProviderInfo,
    VideoResult,
    no_progress,
)
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.ffmpeg.binary import FFmpeg, load_ffmpeg
from creative_hub.providers.local.ffmpeg.info import describe_ffmpeg
from creative_hub.providers.local.ffmpeg.inputs import check_image
from creative_hub.providers.local.ffmpeg.limits import check_clip_seconds, check_frame
from creative_hub.providers.local.ffmpeg.motion import MOTIONS, frame_count, motion_chain
from creative_hub.providers.local.ffmpeg.runner import run_ffmpeg
from creative_hub.providers.local.ffmpeg.video_graph import FASTSTART, VIDEO_CODEC
from creative_hub.providers.local.ffmpeg.workspace import Workspace
from creative_hub.settings import Settings


class LocalImageToVideo:
    """Ken Burns motion over a still (zoom in/out, pan, static): not generative video."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: LazyEngine[FFmpeg] = LazyEngine(
            lambda: load_ffmpeg(settings.ffmpeg_path), slots=settings.engine_slots
        )

    def describe(self) -> ProviderInfo:
        return describe_ffmpeg(
            self.settings,
            Capability.image_to_video,
            "Camera motion over the still image with FFmpeg (not a generative video model)",
        )

    async def animate(
        self, request: ClipRequest, out_dir: Path, progress: Progress = no_progress
    ) -> VideoResult:
        check_frame(request.width, request.height, request.fps)
        check_clip_seconds(request.duration, request.fps)
        if request.motion not in MOTIONS:
            raise ProviderError(
                "invalid_motion", f"Motion {request.motion!r}: use one of {', '.join(MOTIONS)}."
            )
        await asyncio.to_thread(check_image, request.image)
        ffmpeg = await self.engine.get()
        frames = frame_count(request.duration, request.fps)
        duration = frames / request.fps
        graph = motion_chain(
            "0:v", "v", request.motion, request.width, request.height, request.fps, frames
        )
        async with self.engine.slots:
            with Workspace(out_dir) as work:
                scratch = work.file("clip.mp4")
                await run_ffmpeg(
                    ffmpeg.path,
                    [
                        "-i",
                        str(request.image),
                        "-filter_complex",
                        graph,
                        "-map",
                        "[v]",
                        "-frames:v",
                        str(frames),
                        *VIDEO_CODEC,
                        *FASTSTART,
                        "-an",
                        str(scratch),
                    ],
                    duration=duration,
                    progress=progress,
                    span=(0.0, 0.99),
                    message="animating",
                )
                path = work.publish(scratch, ".mp4")
        await progress(1.0, "done")
        return VideoResult(
            path=path,
            duration=duration,
            width=request.width,
            height=request.height,
            fps=float(request.fps),
            has_audio=False,
        )
