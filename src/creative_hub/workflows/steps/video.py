"""Step 4, video: each keyframe animated with its camera motion for its storyboard time,
each an image_to_video task of its own (see workflows/children.py).

Every clip but the last is made one crossfade longer, because composition overlaps
neighbours by that much: the film then lasts exactly the storyboard's total.
"""

from __future__ import annotations

from typing import Any

from creative_hub.models.enums import TaskType, WorkflowStep
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.children import SceneTask, run_scene_tasks
from creative_hub.workflows.schemas import VideoData, VideoScene
from creative_hub.workflows.steps.common import WorkflowState


def scene_tasks(state: WorkflowState) -> list[SceneTask]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    images = {s["index"]: s for s in state.need(WorkflowStep.images)["scenes"]}
    options = state.options
    last = len(board) - 1
    specs = []
    for scene in board:
        index = int(scene["index"])
        duration = float(scene["duration"]) + (options.crossfade if index < last else 0.0)
        specs.append(
            SceneTask(
                key=f"scene-{index}",
                label=f"Scene {index + 1}",
                task_type=TaskType.image_to_video,
                input_data={
                    "asset_id": str(images[index]["asset_id"]),
                    "duration": round(duration, 3),
                    "width": options.width,
                    "height": options.height,
                    "fps": options.fps,
                    "motion": scene.get("camera_motion", "zoom_in"),
                    "workflow_step": WorkflowStep.video.value,
                },
            )
        )
    return specs


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    done = await run_scene_tasks(ctx, state, scene_tasks(state), "Clip")
    scenes = []
    for scene in board:
        task = done[f"scene-{scene['index']}"]
        output = task.output_data or {}
        scenes.append(
            VideoScene(
                index=scene["index"],
                asset_id=output["video"]["asset_id"],
                url=output["video"]["url"],
                duration=round(float(output["duration"]), 3),
                task_id=task.id,
            )
        )
    return VideoData(scenes=scenes).model_dump(mode="json")
