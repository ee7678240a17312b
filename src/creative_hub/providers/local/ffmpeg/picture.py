"""The ffmpeg runs that render a composed film's picture.

Up to SEGMENT_SHOTS shots render in one filter graph feeding one encoder. ffmpeg starts
every shot's chain at once and each zoompan holds its upscaled still until its shot
ends: one graph took 195 MB for 6 stills at 720p, 247 MB for 8 and 680 MB for 24. So
longer films render in segments of SEGMENT_SHOTS shots (near-lossless, fast settings),
which a last run joins with the same crossfades and encodes once for delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from creative_hub.providers.local.ffmpeg.compose_plan import Shot
from creative_hub.providers.local.ffmpeg.motion import motion_chain
from creative_hub.providers.local.ffmpeg.video_graph import (
    AUDIO_CODEC,
    burn_subtitles_chain,
    fit_clip_chain,
    join_chain,
)

SEGMENT_SHOTS = 8
# Intermediate segments: visually lossless and cheap to write (re-encoded at the end).
SEGMENT_CODEC = ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "10", "-pix_fmt", "yuv420p"]


def joined_frames(shots: Sequence[Shot], fade: int) -> int:
    return sum(shot.frames for shot in shots) - fade * (len(shots) - 1)


def split_shots(shots: Sequence[Shot], size: int = SEGMENT_SHOTS) -> list[list[Shot]]:
    return [list(shots[i : i + size]) for i in range(0, len(shots), size)]


def picture_args(
    shots: Sequence[Shot],
    fade: int,
    width: int,
    height: int,
    fps: int,
    *,
    codec: Sequence[str],
    out: Path,
    audio: Path | None = None,
    burn_family: str | None = None,
) -> list[str]:
    """ffmpeg arguments rendering `shots` joined by `fade`-frame crossfades into `out`,
    with `audio` muxed in and subtitles burned from ./subs.srt (run in the workspace)."""
    inputs: list[str] = []
    graph: list[str] = []
    labels = []
    for n, shot in enumerate(shots):
        inputs += ["-i", str(shot.visual.path.resolve())]
        label = f"shot{n}"
        if shot.motion is not None:
            graph.append(
                motion_chain(f"{n}:v", label, shot.motion, width, height, fps, shot.frames)
            )
        else:
            graph.append(fit_clip_chain(f"{n}:v", label, width, height, fps, shot.frames))
        labels.append(label)
    picture = "joined" if burn_family else "picture"
    graph.append(join_chain(labels, [shot.frames for shot in shots], fps, fade, picture))
    if burn_family:
        graph.append(burn_subtitles_chain(picture, "picture", "subs.srt", burn_family))
    maps = ["-map", "[picture]"]
    if audio is not None:
        inputs += ["-i", str(audio.resolve())]
        maps += ["-map", f"{len(shots)}:a", *AUDIO_CODEC]
    return [
        *inputs,
        "-filter_complex",
        ";".join(graph),
        *maps,
        "-frames:v",
        str(joined_frames(shots, fade)),
        "-r",
        str(fps),
        *codec,
        str(out.resolve()),
    ]
