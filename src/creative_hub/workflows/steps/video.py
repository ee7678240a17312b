"""Step 4, video: each keyframe animated with its camera motion for its storyboard time.

Every clip but the last is made one crossfade longer, because composition overlaps
neighbours by that much: the film then lasts exactly the storyboard's total.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from creative_hub.models.enums import WorkflowStep
from creative_hub.providers.base import ClipRequest
from creative_hub.tasks.job_io import input_file, save_output, workspace
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.schemas import VideoData, VideoScene
from creative_hub.workflows.steps.common import WorkflowState, each_scene


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    images = {s["index"]: s for s in state.need(WorkflowStep.images)["scenes"]}
    options = state.options
    animator = ctx.runtime.providers.image_to_video()
    last = len(board) - 1

    async def animate(scene: dict[str, Any], scratch: Path) -> VideoScene:
        index = int(scene["index"])
        duration = float(scene["duration"]) + (options.crossfade if index < last else 0.0)
        folder = scratch / f"scene-{index}"  # one folder per scene: they run side by side
        await asyncio.to_thread(folder.mkdir)
        _, still = await input_file(ctx, images[index]["asset_id"], folder, "image")
        result = await animator.animate(
            ClipRequest(
                image=still,
                duration=round(duration, 3),
                width=options.width,
                height=options.height,
                fps=options.fps,
                motion=scene.get("camera_motion", "zoom_in"),
            ),
            folder,
        )
        saved = await save_output(ctx, result.path, "video/mp4", f"scene-{index + 1}.mp4")
        return VideoScene(
            index=index,
            asset_id=saved["asset_id"],
            url=saved["url"],
            duration=round(result.duration, 3),
        )

    async with workspace(ctx) as scratch:
        scenes = await each_scene(ctx, state, board, lambda s: animate(s, scratch), "Clip")
    return VideoData(scenes=scenes).model_dump(mode="json")
