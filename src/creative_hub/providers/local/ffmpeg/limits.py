"""What the video engine accepts, checked up front with errors that say what to fix."""

from __future__ import annotations

import math

from creative_hub.providers.base import ProviderError

MIN_SIDE = 64
MAX_SIDE = 1920
# Any orientation (1920x1080 or 1080x1920), at most Full HD's pixel count.
MAX_PIXELS = 1920 * 1080
MIN_FPS = 1
MAX_FPS = 60
MIN_CLIP_SECONDS = 0.5
MAX_CLIP_SECONDS = 60.0
MAX_TOTAL_SECONDS = 600.0
MAX_VISUALS = 100
MAX_SUBTITLE_CUES = 2000


def check_frame(width: int, height: int, fps: int) -> None:
    for name, value in (("width", width), ("height", height)):
        if not MIN_SIDE <= value <= MAX_SIDE:
            raise ProviderError(
                "invalid_size", f"{name} {value} is out of range ({MIN_SIDE}..{MAX_SIDE})."
            )
        if value % 2:
            raise ProviderError(
                "invalid_size", f"{name} {value} must be even (H.264 4:2:0 needs even sides)."
            )
    if width * height > MAX_PIXELS:
        raise ProviderError(
            "invalid_size", f"{width}x{height} is larger than 1920x1080; choose a smaller size."
        )
    if not MIN_FPS <= fps <= MAX_FPS:
        raise ProviderError("invalid_fps", f"fps {fps} is out of range ({MIN_FPS}..{MAX_FPS}).")


def check_clip_seconds(seconds: float, fps: int, what: str = "duration") -> None:
    if not (math.isfinite(seconds) and MIN_CLIP_SECONDS <= seconds <= MAX_CLIP_SECONDS):
        raise ProviderError(
            "invalid_duration",
            f"{what} {seconds} s is out of range ({MIN_CLIP_SECONDS:g}..{MAX_CLIP_SECONDS:g} s).",
        )
    if round(seconds * fps) < 2:
        raise ProviderError(
            "invalid_duration", f"{what} {seconds} s is under two frames at {fps} fps."
        )


def check_total_seconds(seconds: float) -> None:
    if seconds > MAX_TOTAL_SECONDS:
        raise ProviderError(
            "invalid_duration",
            f"The video would last {seconds:.1f} s; the limit is {MAX_TOTAL_SECONDS:g} s.",
        )
