"""Step 5, audio: narration per scene (speech, sentence timings kept) and a music bed.

A line too long for its scene is spoken again faster (up to MAX_SPEEDUP), so narration
stays inside the storyboard's timing and the film keeps its planned length.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from creative_hub.models.enums import WorkflowStep
from creative_hub.providers.base import AudioResult, MusicRequest, SpeechRequest
from creative_hub.tasks.job_io import save_output, workspace
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.schemas import AudioData, MusicTrack, NarrationClip, Segment
from creative_hub.workflows.steps.common import WorkflowState, each_scene

MAX_SPEEDUP = 1.35
LEAD_IN = 0.3  # seconds of picture before a scene's narration starts (see compose)
TAIL = 0.3


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    script = {s["index"]: s for s in state.need(WorkflowStep.script)["scenes"]}
    board = state.need(WorkflowStep.storyboard)["scenes"]
    options = state.options
    voice = ctx.runtime.providers.speech()

    async def speak(scene: dict[str, Any], scratch: Path) -> NarrationClip:
        index = int(scene["index"])
        folder = scratch / f"scene-{index}"
        await asyncio.to_thread(folder.mkdir)
        text = script[index]["narration"]
        room = max(1.0, float(scene["duration"]) - LEAD_IN - TAIL)
        result: AudioResult = await voice.synthesize(
            SpeechRequest(text=text, voice=options.voice), folder
        )
        if result.duration > room:
            speed = min(MAX_SPEEDUP, result.duration / room)
            result = await voice.synthesize(
                SpeechRequest(text=text, voice=options.voice, speed=round(speed, 2)), folder
            )
        saved = await save_output(ctx, result.path, "audio/wav", f"narration-{index + 1}.wav")
        return NarrationClip(
            index=index,
            asset_id=saved["asset_id"],
            url=saved["url"],
            duration=round(result.duration, 3),
            segments=[
                Segment(start=round(s.start, 3), end=round(s.end, 3), text=s.text)
                for s in result.segments
            ],
        )

    async with workspace(ctx) as scratch:
        narration = await each_scene(ctx, state, board, lambda s: speak(s, scratch), "Narration")
        music = None
        if options.music:
            await ctx.check_cancelled()
            await state.progress(0.95, "Composing the music")
            total = sum(float(s["duration"]) for s in board)
            track = await ctx.runtime.providers.music().compose(
                MusicRequest(duration=round(total, 2), mood=options.music_mood, seed=7),
                scratch / "music",
            )
            saved = await save_output(ctx, track.path, "audio/wav", "music.wav")
            music = MusicTrack(
                asset_id=saved["asset_id"], url=saved["url"], mood=options.music_mood
            )
    return AudioData(narration=narration, music=music).model_dump(mode="json")
