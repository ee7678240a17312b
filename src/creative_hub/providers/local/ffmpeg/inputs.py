"""Checking input files before ffmpeg sees them, so a bad file gets a clear error code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, UnidentifiedImageError

from creative_hub.providers.base import AudioTrack, ProviderError
from creative_hub.providers.local.media_probe import MediaInfo, probe

# Pillow reads only the header here; bigger images cost too much to upscale per job.
MAX_IMAGE_PIXELS = 40_000_000
MAX_GAIN_DB = 24.0
MIN_GAIN_DB = -60.0
MAX_OFFSET = 600.0


@dataclass(frozen=True)
class Visual:
    path: Path
    kind: Literal["image", "video"]
    # The clip's own length for a video; None for a still image.
    duration: float | None = None


def _probe(path: Path, what: str) -> MediaInfo:
    if not path.is_file():
        raise ProviderError("input_missing", f"{what} {path.name!r} does not exist.")
    try:
        return probe(path)
    except Exception as exc:  # PyAV raises many error types for damaged files
        raise ProviderError(
            "input_unreadable", f"{what} {path.name!r} is not a readable media file."
        ) from exc


def check_visual(path: Path) -> Visual:
    """An image (anything Pillow reads) or a video clip with a video stream."""
    if not path.is_file():
        raise ProviderError("input_missing", f"Visual {path.name!r} does not exist.")
    try:
        with Image.open(path) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ProviderError("input_too_large", f"Image {path.name!r} is too large.") from exc
    except (UnidentifiedImageError, OSError):
        pass  # not an image: perhaps a video clip
    else:
        if width * height > MAX_IMAGE_PIXELS:
            raise ProviderError(
                "input_too_large",
                f"Image {path.name!r} is {width}x{height}; use at most "
                f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels.",
            )
        return Visual(path, "image")
    info = _probe(path, "Visual")
    length = info.video_duration or info.duration
    if not info.has_video or not length or not math.isfinite(length):
        raise ProviderError(
            "input_unreadable", f"Visual {path.name!r} is neither an image nor a video clip."
        )
    return Visual(path, "video", length)


def check_image(path: Path) -> None:
    visual = check_visual(path)
    if visual.kind != "image":
        raise ProviderError("input_unreadable", f"{path.name!r} is not an image.")


def check_audio(track: AudioTrack) -> float:
    """The track's own length in seconds, after checking it and its settings."""
    if track.role not in ("narration", "music", "effect"):
        raise ProviderError(
            "invalid_track", f"Track role {track.role!r}: use narration, music or effect."
        )
    if not MIN_GAIN_DB <= track.gain_db <= MAX_GAIN_DB:
        raise ProviderError(
            "invalid_track",
            f"gain_db {track.gain_db} is out of range ({MIN_GAIN_DB:g} to {MAX_GAIN_DB:g}).",
        )
    if not 0 <= track.offset <= MAX_OFFSET:
        raise ProviderError(
            "invalid_track", f"offset {track.offset} is out of range (0 to {MAX_OFFSET:g} s)."
        )
    info = _probe(track.path, "Audio track")
    length = info.audio_duration or info.duration
    if not info.has_audio or not length or not math.isfinite(length) or length <= 0:
        raise ProviderError(
            "input_unreadable", f"Audio track {track.path.name!r} has no audio stream."
        )
    return length
