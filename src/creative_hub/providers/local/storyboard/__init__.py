"""The embedded image engine: storyboard cards (not a neural model) and a Lanczos upscaler."""

from creative_hub.providers.local.storyboard.renderer import (
    LABEL,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_SIDE,
    StoryboardRenderer,
    render_frame,
    validate_size,
)
from creative_hub.providers.local.storyboard.upscale import thumbnail_webp, upscale

__all__ = [
    "LABEL",
    "MAX_HEIGHT",
    "MAX_WIDTH",
    "MIN_SIDE",
    "StoryboardRenderer",
    "render_frame",
    "thumbnail_webp",
    "upscale",
    "validate_size",
]
