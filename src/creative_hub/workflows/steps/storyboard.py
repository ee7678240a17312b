"""Step 2, storyboard: per scene a visual prompt (the prompt expert), a duration, a
camera motion and a mood. Durations share the planned total in proportion to how long
each narration line takes to say, so the plan's length is kept and no line is rushed."""

from __future__ import annotations

from typing import Any, get_args

from creative_hub.models.enums import WorkflowStep
from creative_hub.prompts.schemas import EnhanceRequest
from creative_hub.prompts.service import PromptService
from creative_hub.prompts.styles import STYLES, StyleId
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows import rules
from creative_hub.workflows.schemas import Motion, StoryboardData, StoryboardScene
from creative_hub.workflows.steps.common import WorkflowState

MOTIONS: tuple[Motion, ...] = ("zoom_in", "pan_right", "zoom_out", "pan_left")
MIN_SCENE_SECONDS = 3.0


def scene_durations(lines: list[str], total: float) -> list[float]:
    """Seconds per scene: proportional to words, at least MIN_SCENE_SECONDS, summing to total."""
    weights = [max(1, len(rules.words(line))) for line in lines]
    floor = min(MIN_SCENE_SECONDS, total / len(lines))
    spare = total - floor * len(lines)
    raw = [floor + spare * w / sum(weights) for w in weights]
    rounded = [round(d, 2) for d in raw]
    rounded[-1] = round(total - sum(rounded[:-1]), 2)  # the plan's total exactly
    return rounded


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    script = state.need(WorkflowStep.script)
    options = state.options
    wanted = options.visual_style
    style = StyleId(wanted) if wanted and wanted in STYLES else None
    expert = PromptService(ctx.runtime.providers)
    scenes = script["scenes"]
    durations = scene_durations([s["narration"] for s in scenes], options.duration)
    board: list[StoryboardScene] = []
    for i, scene in enumerate(scenes):
        await ctx.check_cancelled()
        # The prompt expert turns the scene's text into a full image prompt.
        enhanced = await expert.enhance(
            EnhanceRequest(
                prompt=(scene.get("description") or scene["narration"])[:500],
                target="image",
                style=style,
            )
        )
        board.append(
            StoryboardScene(
                index=i,
                visual_prompt=enhanced.prompt[:2000],
                negative_prompt=(enhanced.negative_prompt or "")[:1000],
                duration=durations[i],
                camera_motion=MOTIONS[i % len(MOTIONS)],
                mood=options.music_mood,
            )
        )
        await state.progress((i + 1) / len(scenes), f"Storyboard scene {i + 1} of {len(scenes)}")
    assert set(MOTIONS) <= set(get_args(Motion))
    data = StoryboardData(scenes=board, total_duration=round(sum(durations), 2))
    return data.model_dump(mode="json")
