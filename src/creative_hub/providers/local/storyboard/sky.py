"""The sky: gradient and glow (numpy), sun or moon, stars, clouds, and weather on top."""

from __future__ import annotations

import math
import random
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from creative_hub.providers.local.storyboard.mood import RGB, Scene
from creative_hub.providers.local.storyboard.paint import Layout, blend_draw, fill_masked, mix, rgba

WHITE: RGB = (255, 255, 255)

# (glow strength at the body, glow radius in body radii, haze along the horizon)
_GLOW = {
    "sunset": (0.9, 4.5, 0.35),
    "fire": (0.85, 4.0, 0.4),
    "night": (0.35, 3.0, 0.08),
    "mystery": (0.3, 3.5, 0.25),
    "neon": (0.45, 3.5, 0.3),
    "cozy": (0.6, 4.0, 0.25),
    "storm": (0.2, 3.0, 0.1),
}
_DEFAULT_GLOW = (0.5, 3.5, 0.15)


Floats = npt.NDArray[np.float32]
Shapes = Callable[[ImageDraw.ImageDraw, int, int], None]


def _smooth(t: Floats) -> Floats:
    return t * t * (3 - 2 * t)


def sky_gradient(scene: Scene, layout: Layout) -> Image.Image:
    """Sky and water colours with the light of the sun or moon, at the supersampled size.

    Computed at the output size and scaled up: a smooth gradient loses nothing, and
    it is four times fewer pixels of float maths.
    """
    ss = layout.ss
    w, h = layout.width // ss, layout.height // ss
    hz = layout.horizon / ss
    p = scene.palette
    top, mid, hor, near, glow = (
        np.asarray(c, dtype=np.float32) for c in (p.sky_top, p.sky_mid, p.horizon, p.near, p.glow)
    )
    y = np.arange(h, dtype=np.float32)
    split = hz * 0.55
    upper = top + (mid - top) * _smooth(np.clip(y / split, 0, 1))[:, None]
    lower = mid + (hor - mid) * _smooth(np.clip((y - split) / (hz - split), 0, 1))[:, None]
    # Below the horizon: water (or ground, later covered) darkening towards the viewer.
    depth = np.clip((y - hz) / max(h - hz, 1.0), 0, 1)[:, None] ** 0.8
    water = hor * 0.8 + (near - hor * 0.8) * depth
    rows = np.where((y < split)[:, None], upper, np.where((y < hz)[:, None], lower, water))

    strength, spread, haze = _GLOW.get(scene.lighting, _DEFAULT_GLOW)
    radius = layout.body_r / ss * spread
    xs = np.arange(w, dtype=np.float32)
    # exp(-(dx²+dy²)/r²) is separable: an outer product instead of w*h exponentials.
    ex = np.exp(-(((xs - layout.body_x / ss) / radius) ** 2))
    ey = np.exp(-(((y - layout.body_y / ss) / radius) ** 2))
    light = strength * np.outer(ey, ex)
    band = haze * np.exp(-(((y - hz) / (0.12 * h)) ** 2))
    wide = np.exp(-(((xs - layout.body_x / ss) / (0.6 * w)) ** 2))
    light = np.clip(light + np.outer(band, wide), 0, 1)[:, :, None]

    pixels = rows[:, None, :] * (1 - light) + glow * light
    small = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    # Nearest-neighbour: the final 2x box reduction gives back exactly these pixels.
    return small.resize((layout.width, layout.height), Image.Resampling.NEAREST)


def _scale(layout: Layout) -> float:
    """How many small things (stars, drops) a frame this size gets, relative to 720p."""
    ss2 = layout.ss * layout.ss
    return max(0.15, (layout.width * layout.height / ss2) / (1280 * 720))


def draw_stars(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    draw = blend_draw(image)
    count = {"night": 170, "mystery": 40, "neon": 60}.get(scene.lighting, 0)
    star = mix(scene.palette.accent, WHITE, 0.6)
    for _ in range(round(count * _scale(layout))):
        x = rng.uniform(0, layout.width)
        y = layout.horizon * 0.85 * rng.random() ** 1.3  # denser high up
        if math.hypot(x - layout.body_x, y - layout.body_y) < layout.body_r * 1.6:
            continue
        r = rng.choice((0.5, 0.7, 0.9, 1.2, 1.6)) * layout.ss * max(1.0, layout.unit / 7)
        # Fainter towards the horizon, where the sky is lighter.
        alpha = rng.uniform(0.35, 1.0) * (1 - 0.6 * y / layout.horizon)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rgba(star, alpha))
    for _ in range(3 if count else 0):  # a few bright four-point sparkles
        x = rng.uniform(0.05, 0.95) * layout.width
        y = rng.uniform(0.05, 0.45) * layout.horizon
        arm = layout.unit * rng.uniform(1.2, 2.0)
        thin = arm * 0.16
        for dx, dy in ((arm, thin), (thin, arm)):
            draw.polygon([(x - dx, y), (x, y - dy), (x + dx, y), (x, y + dy)], fill=rgba(star, 0.9))


def draw_body(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    """The sun, or for night-like moods a moon with a few craters."""
    if scene.lighting == "storm":
        return  # hidden by the clouds; the glow already hints at it
    draw = blend_draw(image)
    x, y, r = layout.body_x, layout.body_y, layout.body_r
    glow = scene.palette.glow
    halo = r * 1.35
    # Clipped at the horizon: over water nothing else would hide a setting sun's lower half.
    clip = (round(x - halo), round(y - halo), round(x + halo) + 1, round(layout.horizon))
    for radius, color, alpha in ((halo, glow, 0.12), (r, mix(glow, WHITE, 0.45), 1.0)):
        # The disc is whiter than its glow, or a strong glow would swallow it.
        fill_masked(image, color, alpha, clip, _disc(x, y, radius))
    if scene.lighting in {"night", "mystery"}:
        crater = mix(glow, scene.palette.far, 0.18)
        for _ in range(5):
            angle = rng.uniform(0, 2 * math.pi)
            dist = rng.uniform(0.1, 0.6) * r
            cr = rng.uniform(0.1, 0.22) * r
            cx, cy = x + math.cos(angle) * dist, y + math.sin(angle) * dist
            draw.ellipse((cx - cr, cy - cr, cx + cr, cy + cr), fill=rgba(crater, 0.45))
    elif scene.lighting == "neon":
        # Synthwave sun: horizontal cuts in the lower half.
        band = mix(scene.palette.sky_mid, scene.palette.horizon, 0.5)
        for i in range(5):
            cy = y + r * (0.15 + 0.17 * i)
            thick = r * (0.03 + 0.025 * i)
            draw.rectangle((x - r, cy, x + r, cy + thick), fill=rgba(band, 1.0))


def _disc(x: float, y: float, r: float) -> Shapes:
    def shapes(d: ImageDraw.ImageDraw, left: int, top: int) -> None:
        d.ellipse((x - r - left, y - r - top, x + r - left, y + r - top), fill=255)

    return shapes


def _cloud(cx: float, base: float, width: float, puffs: list[tuple[float, float]]) -> Shapes:
    """Round puffs on a flat bottom, drawn as one silhouette."""

    def shapes(d: ImageDraw.ImageDraw, left: int, top: int) -> None:
        for px, pr in puffs:
            d.ellipse((px - pr - left, base - 2 * pr - top, px + pr - left, base - top), fill=255)
        flat = width * 0.07
        d.rounded_rectangle(
            (cx - width * 0.55 - left, base - 2 * flat - top, cx + width * 0.55 - left, base - top),
            radius=flat,
            fill=255,
        )

    return shapes


def draw_clouds(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    p = scene.palette
    kinds = {
        "storm": (7, mix(p.far, p.sky_mid, 0.4), 0.85),
        "sunset": (3, mix(p.glow, p.sky_mid, 0.45), 0.5),
        "bright": (4, WHITE, 0.88),
        "calm": (3, WHITE, 0.65),
        "green": (3, WHITE, 0.6),
        "soft": (3, mix(WHITE, p.horizon, 0.3), 0.6),
        "snow": (2, WHITE, 0.5),
    }
    if scene.lighting not in kinds:
        return
    count, color, alpha = kinds[scene.lighting]
    clouds: list[Shapes] = []
    top = layout.height
    for _ in range(rng.randint(max(1, count - 1), count + 1)):
        width = layout.width * rng.uniform(0.1, 0.2)
        cx = rng.uniform(-0.05, 1.05) * layout.width
        # Below the labels strip at the top of the frame.
        base = rng.uniform(0.3, 0.7) * layout.horizon
        puffs = [
            (cx + (i / 5 - 0.5) * width * rng.uniform(0.8, 1.0), width * rng.uniform(0.09, 0.2))
            for i in range(6)
        ]
        clouds.append(_cloud(cx, base, width, puffs))
        top = min(top, round(base - width * 0.5))

    def all_clouds(d: ImageDraw.ImageDraw, left: int, top: int) -> None:
        for cloud in clouds:
            cloud(d, left, top)

    # One mask for all: overlapping translucent clouds would show darker seams.
    fill_masked(image, color, alpha, (0, top, layout.width, round(layout.horizon)), all_clouds)


def draw_bokeh(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    """Out-of-focus lights for cozy scenes (a cafe window at dusk)."""
    if scene.lighting != "cozy":
        return
    draw = blend_draw(image)
    for _ in range(round(22 * min(2.0, _scale(layout)))):
        r = layout.unit * rng.uniform(1.5, 5.0)
        x = rng.uniform(0, layout.width)
        y = rng.uniform(0, layout.horizon * 1.05)
        color = rng.choice((scene.palette.accent, scene.palette.glow))
        alpha = rng.uniform(0.08, 0.22)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rgba(color, alpha))
        inner = r * 0.82  # a brighter core: out-of-focus lights have soft rims
        draw.ellipse((x - inner, y - inner, x + inner, y + inner), fill=rgba(color, alpha))


def draw_weather(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    """Rain, snow or embers over everything (they are between the camera and the scene)."""
    draw = blend_draw(image)
    n = _scale(layout)
    u = layout.unit
    if scene.lighting == "storm":
        if rng.random() < 0.6:
            _lightning(draw, layout, rng)
        rain = mix(scene.palette.accent, WHITE, 0.4)
        slant = rng.uniform(0.1, 0.3)
        for _ in range(round(260 * n)):
            x, y = rng.uniform(-0.1, 1.0) * layout.width, rng.uniform(0, layout.height)
            length = u * rng.uniform(2.5, 5.0)
            draw.line(
                (x, y, x + slant * length, y + length),
                fill=rgba(rain, rng.uniform(0.18, 0.42)),
                width=max(1, layout.ss),
            )
    elif scene.lighting == "snow":
        for _ in range(round(220 * n)):
            x, y = rng.uniform(0, layout.width), rng.uniform(0, layout.height)
            r = u * rng.uniform(0.15, 0.55)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=rgba(WHITE, rng.uniform(0.55, 0.95)))
    elif scene.lighting == "fire":
        for _ in range(round(110 * n)):
            x = rng.uniform(0, layout.width)
            y = layout.height * (1 - rng.random() ** 1.6)  # more near the ground
            r = u * rng.uniform(0.12, 0.45)
            color = rng.choice((scene.palette.accent, scene.palette.glow))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=rgba(color, rng.uniform(0.45, 0.95)))


def _lightning(draw: ImageDraw.ImageDraw, layout: Layout, rng: random.Random) -> None:
    x = rng.uniform(0.15, 0.85) * layout.width
    y = 0.0
    points = [(x, y)]
    while y < layout.horizon * 0.8:
        y += layout.unit * rng.uniform(3, 7)
        x += layout.unit * rng.uniform(-4, 4)
        points.append((x, y))
    draw.line(points, fill=(220, 230, 255, 50), width=round(layout.unit * 1.6), joint="curve")
    draw.line(points, fill=(245, 248, 255, 235), width=max(2, round(layout.unit * 0.35)))


def draw_fog(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    """Translucent wavy bands along the horizon (mysterious scenes)."""
    if scene.lighting != "mystery":
        return
    draw = blend_draw(image)
    for i in range(4):
        base = layout.horizon + layout.height * (0.02 * i - 0.04)
        thick = layout.height * rng.uniform(0.03, 0.06)
        phase = rng.uniform(0, 2 * math.pi)
        steps = 48
        top = [
            (layout.width * k / steps, base + thick * 0.3 * math.sin(phase + 6 * k / steps))
            for k in range(steps + 1)
        ]
        bottom = [(x, y + thick) for x, y in reversed(top)]
        draw.polygon(top + bottom, fill=rgba(scene.palette.horizon, 0.22))
