"""Step 6, compose: the final MP4 — clips joined with crossfades, narration placed at
each scene's start, music ducked under it, loudness-normalised; SRT/VTT sidecars whose
cues are the narration's sentence timings shifted to where each line is heard."""

from __future__ import annotations

from typing import Any

from creative_hub.audio.jobs import save_subtitles
from creative_hub.models.enums import WorkflowStep
from creative_hub.providers.base import AudioTrack, ComposeRequest, TimedText
from creative_hub.tasks.job_io import input_file, progress_between, save_output, workspace
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows.schemas import ComposeData
from creative_hub.workflows.steps.audio import LEAD_IN
from creative_hub.workflows.steps.common import WorkflowState

MUSIC_GAIN_DB = -8.0
GAP = 0.15  # least silence between two lines when one ran long


def narration_offsets(durations: list[float], spoken: list[float]) -> list[float]:
    """Where each line starts: its scene's start plus a lead-in, never over the last line."""
    offsets: list[float] = []
    start, previous_end = 0.0, 0.0
    for scene, length in zip(durations, spoken, strict=True):
        offset = max(start + LEAD_IN, previous_end + GAP)
        offsets.append(round(offset, 3))
        previous_end = offset + length
        start += scene
    return offsets


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    board = state.need(WorkflowStep.storyboard)["scenes"]
    clips = sorted(state.need(WorkflowStep.video)["scenes"], key=lambda s: s["index"])
    audio = state.need(WorkflowStep.audio)
    narration = sorted(audio["narration"], key=lambda s: s["index"])
    options = state.options
    offsets = narration_offsets(
        [float(s["duration"]) for s in board], [float(n["duration"]) for n in narration]
    )
    async with workspace(ctx) as scratch:
        visuals = [(await input_file(ctx, c["asset_id"], scratch, "video"))[1] for c in clips]
        tracks = []
        cues: list[TimedText] = []
        for clip, offset in zip(narration, offsets, strict=True):
            _, path = await input_file(ctx, clip["asset_id"], scratch, "audio")
            tracks.append(AudioTrack(path=path, role="narration", offset=offset))
            cues += [
                TimedText(round(s["start"] + offset, 3), round(s["end"] + offset, 3), s["text"])
                for s in clip["segments"]
            ]
        if audio.get("music"):
            _, path = await input_file(ctx, audio["music"]["asset_id"], scratch, "audio")
            tracks.append(AudioTrack(path=path, role="music", gain_db=MUSIC_GAIN_DB))
        await ctx.check_cancelled()
        result = await ctx.runtime.providers.video_compose().compose(
            ComposeRequest(
                visuals=visuals,
                width=options.width,
                height=options.height,
                fps=options.fps,
                crossfade=options.crossfade,
                audio=tracks,
                subtitles=cues,
                burn_subtitles=options.burn_subtitles,
                duck_music=True,
            ),
            scratch / "out",
            progress_between(ctx, 5, 95),
        )
        subtitles = await save_subtitles(ctx, tuple(cues), "subtitles")
        film = await save_output(ctx, result.path, "video/mp4", "film.mp4")
    await state.progress(1.0, "Film ready")
    return ComposeData(
        asset_id=film["asset_id"],
        url=film["url"],
        srt_url=subtitles.get("srt_url"),
        vtt_url=subtitles.get("vtt_url"),
        duration=round(result.duration, 3),
        scenes=len(clips),
    ).model_dump(mode="json")
