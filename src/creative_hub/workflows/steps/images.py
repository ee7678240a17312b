"""Step 3, images: one keyframe per scene from its storyboard prompt (seeded by scene)."""

from __future__ import annotations

from typing import Any

from creative_hub.images.jobs import save_image
from creative_hub.models.enums import WorkflowStep
from creative_hub.providers.base import ImageRequest
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.schemas import ImageScene, ImagesData
from creative_hub.workflows.steps.common import WorkflowState, each_scene


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    options = state.options
    generator = ctx.runtime.providers.image()
    # A stable seed per workflow and scene: a rerun of unchanged prompts draws the same frame.
    base_seed = state.id.int % (2**31 - 100)

    async def draw(scene: dict[str, Any]) -> ImageScene:
        result = await generator.generate(
            ImageRequest(
                prompt=scene["visual_prompt"],
                negative_prompt=scene.get("negative_prompt", ""),
                width=options.width,
                height=options.height,
                seed=base_seed + int(scene["index"]),
            )
        )
        saved = await save_image(ctx, result.png, f"scene-{scene['index'] + 1}")
        return ImageScene(
            index=scene["index"],
            asset_id=saved["asset_id"],
            url=saved["url"],
            thumbnail_url=saved["thumbnail_url"],
        )

    scenes = await each_scene(ctx, state, board, draw, "Keyframe")
    return ImagesData(scenes=scenes).model_dump(mode="json")
