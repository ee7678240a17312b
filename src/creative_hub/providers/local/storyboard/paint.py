"""Colour helpers and the frame layout (where the horizon and the sun or moon sit)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

from creative_hub.providers.local.storyboard.mood import RGB, Scene

RGBA = tuple[int, int, int, int]


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend from a (t=0) to b (t=1)."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def rgba(color: RGB, alpha: float) -> RGBA:
    return (color[0], color[1], color[2], max(0, min(255, round(alpha * 255))))


def luminance(color: RGB) -> float:
    """Relative luminance (WCAG), 0 black .. 1 white."""

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class Layout:
    """Positions in supersampled pixels (the scene is drawn at `ss` times the size)."""

    width: int
    height: int
    ss: int
    horizon: float  # y of the horizon
    body_x: float  # the sun or moon
    body_y: float
    body_r: float

    @property
    def unit(self) -> float:
        """1% of the shorter side: sizes scale with the frame, not with pixels."""
        return min(self.width, self.height) / 100


def plan_layout(scene: Scene, width: int, height: int, ss: int, rng: random.Random) -> Layout:
    """Rule of thirds: the horizon near the lower third line, the sun or moon on a
    vertical third; the seed picks the side and the small offsets."""
    w, h = width * ss, height * ss
    horizon = h * rng.uniform(0.56, 0.64)
    body_x = w * (rng.choice((1 / 3, 2 / 3)) + rng.uniform(-0.04, 0.04))
    short = min(w, h)
    if scene.lighting in {"sunset", "fire"}:
        # A big low sun, half set behind the horizon.
        body_r = short * rng.uniform(0.11, 0.14)
        body_y = horizon - body_r * rng.uniform(0.05, 0.45)
    elif scene.lighting in {"night", "mystery", "neon"}:
        body_r = short * rng.uniform(0.055, 0.075)
        body_y = h * rng.uniform(0.16, 0.26)
    else:
        body_r = short * rng.uniform(0.06, 0.08)
        body_y = h * rng.uniform(0.17, 0.28)
    return Layout(w, h, ss, horizon, body_x, body_y, body_r)


def blend_draw(image: Image.Image) -> ImageDraw.ImageDraw:
    """A drawing context that alpha-blends RGBA fills onto an RGB image."""
    return ImageDraw.Draw(image, "RGBA")


def fill_masked(
    image: Image.Image,
    color: RGB,
    alpha: float,
    box: tuple[int, int, int, int],
    shapes: Callable[[ImageDraw.ImageDraw, int, int], None],
) -> None:
    """Draw several overlapping shapes as one translucent silhouette.

    Blending each shape separately would darken where they overlap (a cloud made of
    ellipses); drawing them into one mask first gives a single even layer. `shapes`
    gets the mask's draw context and the box's (left, top) to subtract.
    """
    left, top, right, bottom = (
        max(0, box[0]),
        max(0, box[1]),
        min(image.width, box[2]),
        min(image.height, box[3]),
    )
    if right <= left or bottom <= top:
        return
    mask = Image.new("L", (right - left, bottom - top), 0)
    shapes(ImageDraw.Draw(mask), left, top)
    level = max(0, min(255, round(alpha * 255)))
    if level < 255:
        mask = mask.point(lambda v: v * level // 255)
    image.paste(color, (left, top, right, bottom), mask)
