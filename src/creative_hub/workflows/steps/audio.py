"""Step 5, audio: narration per scene (a speech task each, sentence timings kept) and a
music bed (one music task); see workflows/children.py. Mixing, with the music ducked
under the speech, is done by compose.

A line too long for its scene is spoken again faster (up to MAX_SPEEDUP, the speech
task's fit_seconds), so narration stays inside the storyboard's timing and the film
keeps its planned length.
"""

from __future__ import annotations

from typing import Any

from creative_hub.models.enums import TaskType, WorkflowStep
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.children import SceneTask, run_scene_tasks
from creative_hub.workflows.schemas import AudioData, MusicTrack, NarrationClip, Segment
from creative_hub.workflows.steps.common import WorkflowState

MAX_SPEEDUP = 1.35
LEAD_IN = 0.3  # seconds of picture before a scene's narration starts (see compose)
TAIL = 0.3
MUSIC_SEED = 7


def scene_tasks(state: WorkflowState) -> list[SceneTask]:
    script = {s["index"]: s for s in state.need(WorkflowStep.script)["scenes"]}
    board = state.need(WorkflowStep.storyboard)["scenes"]
    options = state.options
    step = WorkflowStep.audio.value
    specs = [
        SceneTask(
            key=f"scene-{scene['index']}",
            label=f"Scene {scene['index'] + 1}",
            task_type=TaskType.speech,
            input_data={
                "text": script[int(scene["index"])]["narration"],
                "voice": options.voice,
                "fit_seconds": round(max(1.0, float(scene["duration"]) - LEAD_IN - TAIL), 3),
                "max_speed": MAX_SPEEDUP,
                "workflow_step": step,
            },
        )
        for scene in board
    ]
    if options.music:
        total = sum(float(s["duration"]) for s in board)
        specs.append(
            SceneTask(
                key="music",
                label="The music",
                task_type=TaskType.music,
                input_data={
                    "duration": round(total, 2),
                    "mood": options.music_mood,
                    "seed": MUSIC_SEED,
                    "workflow_step": step,
                },
            )
        )
    return specs


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    done = await run_scene_tasks(ctx, state, scene_tasks(state), "Audio track")
    narration = []
    for scene in board:
        task = done[f"scene-{scene['index']}"]
        output = task.output_data or {}
        narration.append(
            NarrationClip(
                index=scene["index"],
                asset_id=output["audio"]["asset_id"],
                url=output["audio"]["url"],
                duration=round(float(output["duration"]), 3),
                segments=[Segment.model_validate(s) for s in output.get("segments", [])],
                task_id=task.id,
            )
        )
    music = None
    if "music" in done:
        task = done["music"]
        audio = (task.output_data or {})["audio"]
        music = MusicTrack(
            asset_id=audio["asset_id"],
            url=audio["url"],
            mood=state.options.music_mood,
            task_id=task.id,
        )
    return AudioData(narration=narration, music=music).model_dump(mode="json")
