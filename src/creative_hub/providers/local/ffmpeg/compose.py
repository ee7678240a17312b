"""LocalVideoComposer: stills and clips -> one MP4 with crossfades, a mixed soundtrack and
subtitles (sidecar SRT/VTT, optionally burned in).

One ffmpeg run renders the picture: every still gets its camera motion, clips are fitted
to the frame, xfade joins them and libass draws the subtitles, all in one filter graph
feeding one encoder (encoding each shot first and joining after would encode twice).
Films of more than SEGMENT_SHOTS shots are rendered in parts first, to bound memory
(see picture.py). The soundtrack is mixed before that by mix.render_mix and muxed in
as AAC.

A request without audio tracks gives a video WITHOUT an audio stream (has_audio False):
a silent track would claim a soundtrack that is not there. Sound in video clips given as
visuals is not used; pass it as an AudioTrack to have it in the mix.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from creative_hub.providers.base import (
    Capability,
    ComposeRequest,
    Progress,
    ProviderInfo,
    VideoResult,
    no_progress,
)
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.ffmpeg.binary import FFmpeg, load_ffmpeg
from creative_hub.providers.local.ffmpeg.compose_plan import ComposePlan, Shot, plan_compose
from creative_hub.providers.local.ffmpeg.fonts import subtitle_font
from creative_hub.providers.local.ffmpeg.info import describe_ffmpeg
from creative_hub.providers.local.ffmpeg.inputs import Visual
from creative_hub.providers.local.ffmpeg.mix import TARGET_LUFS, render_mix
from creative_hub.providers.local.ffmpeg.picture import (
    SEGMENT_CODEC,
    SEGMENT_SHOTS,
    joined_frames,
    picture_args,
    split_shots,
)
from creative_hub.providers.local.ffmpeg.runner import run_ffmpeg
from creative_hub.providers.local.ffmpeg.video_graph import FASTSTART, VIDEO_CODEC
from creative_hub.providers.local.ffmpeg.workspace import Workspace
from creative_hub.providers.local.subtitles import write_srt, write_vtt
from creative_hub.settings import Settings

# Share of the progress bar for the audio mix (it is quick next to the picture).
AUDIO_SHARE = 0.1


class LocalVideoComposer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine: LazyEngine[FFmpeg] = LazyEngine(
            lambda: load_ffmpeg(settings.ffmpeg_path), slots=settings.engine_slots
        )

    def describe(self) -> ProviderInfo:
        return describe_ffmpeg(
            self.settings,
            Capability.video_compose,
            "FFmpeg composition: camera motion, crossfades, ducked music mix, subtitles",
        )

    async def compose(
        self, request: ComposeRequest, out_dir: Path, progress: Progress = no_progress
    ) -> VideoResult:
        plan = await asyncio.to_thread(plan_compose, request)
        font = (
            await asyncio.to_thread(subtitle_font, self.settings.font_path)
            if request.burn_subtitles and plan.cues
            else None
        )
        ffmpeg = await self.engine.get()
        async with self.engine.slots:
            with Workspace(out_dir) as work:
                audio: Path | None = None
                if plan.tracks:
                    audio = work.file("mix.wav")
                    await render_mix(
                        ffmpeg.path,
                        plan.tracks,
                        plan.duration,
                        request.duck_music,
                        TARGET_LUFS,
                        audio,
                        ["-c:a", "pcm_f32le"],
                        progress,
                        span=(0.0, AUDIO_SHARE),
                    )
                subs: dict[str, Path] = {}
                if plan.cues:
                    subs["srt"] = write_srt(work.file("subs.srt"), plan.cues)
                    subs["vtt"] = write_vtt(work.file("subs.vtt"), plan.cues)
                burn_family = None
                if font is not None:
                    (work.path / "fonts").mkdir()
                    os.symlink(font.path, work.path / "fonts" / font.path.name)
                    burn_family = font.family
                video = await render_picture(
                    ffmpeg.path, plan, request, work, audio, burn_family, progress
                )
                path = work.publish(video, ".mp4")
                sidecars = {kind: work.publish(file, f".{kind}") for kind, file in subs.items()}
        await progress(1.0, "done")
        return VideoResult(
            path=path,
            duration=plan.duration,
            width=request.width,
            height=request.height,
            fps=float(plan.fps),
            has_audio=audio is not None,
            sidecars=sidecars,
        )


async def render_picture(
    ffmpeg: str,
    plan: ComposePlan,
    request: ComposeRequest,
    work: Workspace,
    audio: Path | None,
    burn_family: str | None,
    progress: Progress,
) -> Path:
    """The picture (segments first for long films), audio muxed in; progress by frames."""
    size = (request.width, request.height, plan.fps)
    fade, fps = plan.fade_frames, plan.fps
    groups = split_shots(plan.shots) if len(plan.shots) > SEGMENT_SHOTS else []
    segment_frames = [joined_frames(group, fade) for group in groups]
    start = AUDIO_SHARE if audio else 0.0
    per_frame = (0.99 - start) / (plan.total_frames + sum(segment_frames))
    shots = plan.shots
    if groups:
        shots = []
        for n, (group, frames) in enumerate(zip(groups, segment_frames, strict=True)):
            segment = work.file(f"segment{n}.mkv")
            end = start + frames * per_frame
            await run_ffmpeg(
                ffmpeg,
                picture_args(group, fade, *size, codec=SEGMENT_CODEC, out=segment),
                duration=frames / fps,
                progress=progress,
                span=(start, end),
                message=f"rendering part {n + 1} of {len(groups)}",
                cwd=work.path,
            )
            shots.append(Shot(Visual(segment, "video", frames / fps), frames, None))
            start = end
    video = work.file("video.mp4")
    await run_ffmpeg(
        ffmpeg,
        picture_args(
            shots,
            fade,
            *size,
            codec=[*VIDEO_CODEC, *FASTSTART],
            out=video,
            audio=audio,
            burn_family=burn_family,
        ),
        duration=plan.duration,
        progress=progress,
        span=(start, 0.99),
        message="rendering video",
        cwd=work.path,
    )
    return video
