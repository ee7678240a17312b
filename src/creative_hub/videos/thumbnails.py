"""A still for a video's card: its first frame, as a small WebP."""

from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image

from creative_hub.providers.local.storyboard import thumbnail_webp


def first_frame_png(path: Path) -> bytes:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            image: Image.Image = frame.to_image()  # type: ignore[no-untyped-call]
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue()
    raise ValueError(f"{path.name} has no video frame")


def video_thumbnail(path: Path) -> bytes:
    return thumbnail_webp(first_frame_png(path))
