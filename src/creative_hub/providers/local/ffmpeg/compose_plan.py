"""Checking a ComposeRequest and working out frame counts before anything runs."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from creative_hub.providers.base import ComposeRequest, Motion, ProviderError, TimedText
from creative_hub.providers.local.ffmpeg.audio_graph import PlacedTrack
from creative_hub.providers.local.ffmpeg.inputs import Visual, check_visual
from creative_hub.providers.local.ffmpeg.limits import (
    MAX_SUBTITLE_CUES,
    MAX_VISUALS,
    MIN_CLIP_SECONDS,
    check_clip_seconds,
    check_frame,
    check_total_seconds,
)
from creative_hub.providers.local.ffmpeg.mix import plan_tracks

# Stills take these motions in turn, so consecutive shots move differently.
STILL_MOTIONS: tuple[Motion, ...] = (
    "zoom_in",
    "pan_right",
    "zoom_out",
    "pan_left",
    "pan_down",
    "pan_up",
)


@dataclass(frozen=True)
class Shot:
    visual: Visual
    frames: int
    motion: Motion | None  # None for a video clip


@dataclass(frozen=True)
class ComposePlan:
    shots: list[Shot]
    fade_frames: int
    total_frames: int
    fps: int
    tracks: list[PlacedTrack]
    cues: list[TimedText]

    @property
    def duration(self) -> float:
        return self.total_frames / self.fps


def plan_compose(request: ComposeRequest) -> ComposePlan:
    """Validate everything (reads file headers: blocking) and lay out the frames."""
    if not request.visuals:
        raise ProviderError("no_visuals", "Give at least one image or video clip.")
    if len(request.visuals) > MAX_VISUALS:
        raise ProviderError(
            "too_many_visuals", f"{len(request.visuals)} visuals; the limit is {MAX_VISUALS}."
        )
    fps = request.fps
    check_frame(request.width, request.height, fps)
    check_clip_seconds(request.image_duration, fps, "image_duration")
    if len(request.subtitles) > MAX_SUBTITLE_CUES:
        raise ProviderError(
            "invalid_subtitles", f"{len(request.subtitles)} cues; the limit is {MAX_SUBTITLE_CUES}."
        )
    shots: list[Shot] = []
    for path in request.visuals:
        visual = check_visual(path)
        stills = sum(1 for s in shots if s.motion is not None)
        shots.append(_shot(visual, request, STILL_MOTIONS[stills % len(STILL_MOTIONS)]))
    fade = _fade_frames(request.crossfade, fps, shots)
    total = sum(s.frames for s in shots) - fade * (len(shots) - 1)
    check_total_seconds(total / fps)
    return ComposePlan(
        shots=shots,
        fade_frames=fade,
        total_frames=total,
        fps=fps,
        tracks=plan_tracks(request.audio),
        cues=_cues(request.subtitles, total / fps),
    )


def _shot(visual: Visual, request: ComposeRequest, motion: Motion) -> Shot:
    if visual.kind == "image":
        return Shot(visual, round(request.image_duration * request.fps), motion)
    assert visual.duration is not None
    if visual.duration < MIN_CLIP_SECONDS:
        raise ProviderError(
            "invalid_duration",
            f"Clip {visual.path.name!r} lasts {visual.duration:.2f} s; "
            f"clips need at least {MIN_CLIP_SECONDS:g} s.",
        )
    return Shot(visual, max(2, math.floor(visual.duration * request.fps)), None)


def _fade_frames(crossfade: float, fps: int, shots: list[Shot]) -> int:
    shortest = min(s.frames for s in shots)
    fade = round(crossfade * fps) if math.isfinite(crossfade) else -1
    if crossfade < 0 or fade < 0 or (len(shots) > 1 and fade >= shortest):
        raise ProviderError(
            "invalid_crossfade",
            f"crossfade {crossfade} s must be at least 0 and shorter than the shortest "
            f"shot ({shortest / fps:.2f} s).",
        )
    return fade


def _cues(cues: Sequence[TimedText], duration: float) -> list[TimedText]:
    """Cues within the video: later ones dropped, the last one cut at the end."""
    kept = []
    for number, cue in enumerate(cues, start=1):
        if not (0 <= cue.start < cue.end):  # also refuses NaN
            raise ProviderError(
                "invalid_subtitles",
                f"Cue {number} runs from {cue.start} to {cue.end} s; it needs 0 <= start < end.",
            )
        if cue.start < duration:
            kept.append(TimedText(cue.start, min(cue.end, duration), cue.text))
    return kept
