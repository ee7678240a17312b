"""Step 3, images: one keyframe per scene from its storyboard prompt (seeded by scene),
each an image_generation task of its own (see workflows/children.py)."""

from __future__ import annotations

from typing import Any

from creative_hub.models.enums import TaskType, WorkflowStep
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.children import SceneTask, run_scene_tasks
from creative_hub.workflows.schemas import ImageScene, ImagesData
from creative_hub.workflows.steps.common import WorkflowState


def scene_tasks(state: WorkflowState) -> list[SceneTask]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    options = state.options
    # A stable seed per workflow and scene: a rerun of unchanged prompts draws the same frame.
    base_seed = state.id.int % (2**31 - 100)
    return [
        SceneTask(
            key=f"scene-{scene['index']}",
            label=f"Scene {scene['index'] + 1}",
            task_type=TaskType.image_generation,
            input_data={
                "prompt": scene["visual_prompt"],
                "negative_prompt": scene.get("negative_prompt", ""),
                "width": options.width,
                "height": options.height,
                "count": 1,
                "seed": base_seed + int(scene["index"]),
                "workflow_step": WorkflowStep.images.value,
            },
        )
        for scene in board
    ]


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    done = await run_scene_tasks(ctx, state, scene_tasks(state), "Keyframe")
    scenes = []
    for scene in board:
        task = done[f"scene-{scene['index']}"]
        image = (task.output_data or {})["images"][0]
        scenes.append(
            ImageScene(
                index=scene["index"],
                asset_id=image["asset_id"],
                url=image["url"],
                thumbnail_url=image.get("thumbnail_url", ""),
                task_id=task.id,
            )
        )
    return ImagesData(scenes=scenes).model_dump(mode="json")
