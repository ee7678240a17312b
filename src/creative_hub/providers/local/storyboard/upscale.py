"""Lanczos upscaling and WebP thumbnails for stored images (plain resampling, no model).

Both are synchronous and CPU-bound: call them with `asyncio.to_thread`.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from creative_hub.providers.base import ProviderError

MIN_SCALE, MAX_SCALE = 2.0, 4.0
MAX_OUTPUT = (3840, 2160)
# Thumbnails are made of uploads too: refuse decompression bombs before decoding.
MAX_INPUT_PIXELS = 40_000_000


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as exc:
        raise ProviderError("invalid_image", "The file is not an image Pillow can read.") from exc
    if image.width * image.height > MAX_INPUT_PIXELS:
        raise ProviderError(
            "image_too_large",
            f"The image is {image.width}x{image.height}; at most {MAX_INPUT_PIXELS:,} pixels.",
        )
    try:
        image.load()
    except OSError as exc:  # truncated or corrupt data
        raise ProviderError("invalid_image", f"The image data is damaged: {exc}") from exc
    # Keep transparency; everything else (palette, CMYK, 16-bit) becomes 8-bit RGB.
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def upscale(png_bytes: bytes, scale: float) -> bytes:
    """The image `scale` times larger (2..4) with Lanczos resampling, as PNG.

    The output may be at most 3840x2160 (landscape) or 2160x3840 (portrait).
    """
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ProviderError(
            "invalid_scale",
            f"Scale must be between {MIN_SCALE:g} and {MAX_SCALE:g}, not {scale:g}.",
        )
    image = _open(png_bytes)
    width, height = round(image.width * scale), round(image.height * scale)
    long_max, short_max = MAX_OUTPUT
    if max(width, height) > long_max or min(width, height) > short_max:
        raise ProviderError(
            "invalid_size",
            f"Upscaling {image.width}x{image.height} by {scale:g} gives {width}x{height}, larger "
            f"than {long_max}x{short_max}: choose a smaller scale.",
        )
    out = io.BytesIO()
    image.resize((width, height), Image.Resampling.LANCZOS).save(
        out, format="PNG", compress_level=3
    )
    return out.getvalue()


def thumbnail_webp(png_bytes: bytes, max_side: int = 256) -> bytes:
    """A WebP preview whose longer side is at most `max_side` (never enlarged)."""
    if not 16 <= max_side <= 2048:
        raise ProviderError("invalid_size", "Thumbnail side must be between 16 and 2048 pixels.")
    image = _open(png_bytes)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=82, method=4)
    return out.getvalue()
