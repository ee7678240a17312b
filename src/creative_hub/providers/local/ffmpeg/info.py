"""What the two FFmpeg providers tell the API and UI about themselves."""

from __future__ import annotations

from creative_hub.providers.base import Capability, ModelInfo, ProviderError, ProviderInfo
from creative_hub.providers.local.ffmpeg import limits
from creative_hub.providers.local.ffmpeg.binary import find_ffmpeg
from creative_hub.providers.local.ffmpeg.motion import MOTIONS
from creative_hub.settings import Settings

MODEL = ModelInfo(id="ffmpeg", name="FFmpeg (camera motion, crossfades, mixing)")


def describe_ffmpeg(settings: Settings, capability: Capability, label: str) -> ProviderInfo:
    """Available when the binary is there (found, not run: describe() must be cheap)."""
    try:
        find_ffmpeg(settings.ffmpeg_path)
    except ProviderError as exc:
        reason: str | None = exc.message
    else:
        reason = None
    return ProviderInfo(
        name="ffmpeg",
        capability=capability,
        models=(MODEL,),
        neural=False,
        label=label,
        supports={
            "motions": list(MOTIONS),
            "min_side": limits.MIN_SIDE,
            "max_side": limits.MAX_SIDE,
            "max_pixels": limits.MAX_PIXELS,
            "fps": [limits.MIN_FPS, limits.MAX_FPS],
            "clip_seconds": [limits.MIN_CLIP_SECONDS, limits.MAX_CLIP_SECONDS],
            "max_total_seconds": limits.MAX_TOTAL_SECONDS,
            "max_visuals": limits.MAX_VISUALS,
            "subtitles": ["srt", "vtt", "burn_in"],
            "output": "mp4 (H.264 + AAC, faststart)",
        },
        available=reason is None,
        unavailable_reason=reason,
    )
