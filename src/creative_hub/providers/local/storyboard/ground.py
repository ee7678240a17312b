"""Below the sky: mountains, hills, water, trees or a skyline, far layers first.

Far layers are blended towards the horizon colour (atmospheric perspective), which
is what makes a few flat silhouettes read as depth.
"""

from __future__ import annotations

import itertools
import math
import random

from PIL import Image, ImageDraw

from creative_hub.providers.local.storyboard.mood import RGB, Scene
from creative_hub.providers.local.storyboard.paint import Layout, blend_draw, mix, rgba

Point = tuple[float, float]

_LIT_LIGHTING = {"night", "neon", "cozy", "sunset", "storm", "mystery", "fire"}


def ridge(rng: random.Random, width: float, base: float, amp: float, rough: float) -> list[Point]:
    """A mountain skyline by midpoint displacement (129 points)."""
    n = 128
    ys = [0.0] * (n + 1)
    ys[0], ys[n] = rng.uniform(-1, 1), rng.uniform(-1, 1)
    step, scale = n, 1.0
    while step > 1:
        half = step // 2
        for i in range(half, n, step):
            ys[i] = (ys[i - half] + ys[i + half]) / 2 + rng.uniform(-1, 1) * scale
        step, scale = half, scale * rough
    peak = max(abs(v) for v in ys) or 1.0
    return [(width * i / n, base - amp * (ys[i] / peak + 1) / 2) for i in range(n + 1)]


def peaks(rng: random.Random, width: float, base: float, amp: float, count: int) -> list[Point]:
    """Mountains: `count` distinct peaks joined by valleys, roughened by a small ridge."""
    keys: list[Point] = [(0.0, rng.uniform(0.2, 0.6))]
    for i in range(count):
        x = (i + rng.uniform(0.25, 0.75)) / count
        keys.append((x, rng.uniform(0.55, 1.0)))
        if i < count - 1:
            keys.append(((i + 1) / count + rng.uniform(-0.05, 0.05), rng.uniform(0.1, 0.4)))
    keys.append((1.0, rng.uniform(0.2, 0.6)))
    detail = ridge(rng, width, 0.0, amp * 0.16, 0.6)
    points = []
    for x, dy in detail:
        t = x / width
        k = next(i for i in range(1, len(keys)) if keys[i][0] >= t or i == len(keys) - 1)
        (x0, h0), (x1, h1) = keys[k - 1], keys[k]
        height = h0 + (h1 - h0) * ((t - x0) / (x1 - x0) if x1 > x0 else 0)
        points.append((x, base - amp * height + dy + amp * 0.08))
    return points


def rolling(rng: random.Random, width: float, base: float, amp: float) -> list[Point]:
    """A smooth hill line: three sine waves with random phases."""
    waves = [(rng.uniform(0.6, 1.4) * f, rng.uniform(0, 2 * math.pi)) for f in (1.0, 2.3, 4.1)]
    weights = (1.0, 0.45, 0.2)
    points = []
    for i in range(65):
        x = width * i / 64
        t = x / width * 2 * math.pi
        y = sum(wt * math.sin(f * t + ph) for wt, (f, ph) in zip(weights, waves, strict=True))
        points.append((x, base - amp * y / sum(weights)))
    return points


def _fill_below(draw: ImageDraw.ImageDraw, line: list[Point], bottom: float, color: RGB) -> None:
    draw.polygon([*line, (line[-1][0], bottom), (line[0][0], bottom)], fill=rgba(color, 1.0))


def _y_at(line: list[Point], x: float) -> float:
    """The line's height at x (linear between points)."""
    for (x0, y0), (x1, y1) in itertools.pairwise(line):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * ((x - x0) / (x1 - x0) if x1 > x0 else 0)
    return line[-1][1] if x > line[-1][0] else line[0][1]


def draw_ground(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    {
        "mountains": _mountains,
        "ocean": _ocean,
        "forest": _forest,
        "city": _city,
    }.get(scene.setting, _hills)(image, scene, layout, rng)


def _mountains(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    p, w, h, hz = scene.palette, layout.width, layout.height, layout.horizon
    draw = blend_draw(image)
    far = peaks(rng, w, hz + 0.02 * h, 0.32 * h, rng.randint(2, 4))
    _fill_below(draw, far, h, mix(p.far, p.horizon, 0.5))
    if scene.lighting == "snow":
        _snow_caps(draw, far, h * 0.025, mix(p.horizon, (255, 255, 255), 0.7))
    near = ridge(rng, w, hz + 0.05 * h, 0.12 * h, 0.55)
    _fill_below(draw, near, h, mix(p.far, p.horizon, 0.15))
    _fill_below(draw, rolling(rng, w, hz + 0.08 * h, 0.02 * h), h, p.near)


def _snow_caps(draw: ImageDraw.ImageDraw, line: list[Point], tooth: float, color: RGB) -> None:
    """White above a snow line a third of the way down from the highest peak."""
    top = min(y for _, y in line)
    bottom = max(y for _, y in line)
    snow_line = top + (bottom - top) * 0.35
    run: list[Point] = []
    for point in [*line, (line[-1][0], bottom + 1)]:  # the sentinel closes the last run
        if point[1] < snow_line:
            run.append(point)
            continue
        if len(run) > 1:
            teeth = [
                (x, snow_line + (tooth if k % 4 == 1 else 0) - (y - top) * 0.15)
                for k, (x, y) in enumerate(run)
            ]
            draw.polygon(run + list(reversed(teeth)), fill=rgba(color, 0.95))
        run = []


def _hills(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    p, w, h, hz = scene.palette, layout.width, layout.height, layout.horizon
    draw = blend_draw(image)
    _fill_below(draw, rolling(rng, w, hz - 0.03 * h, 0.05 * h), h, mix(p.far, p.horizon, 0.55))
    _fill_below(draw, rolling(rng, w, hz + 0.03 * h, 0.04 * h), h, mix(p.far, p.horizon, 0.2))
    _fill_below(draw, rolling(rng, w, hz + 0.11 * h, 0.035 * h), h, p.near)


def _ocean(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    p, w, h, hz = scene.palette, layout.width, layout.height, layout.horizon
    draw = blend_draw(image)
    if rng.random() < 0.65:  # a far headland on one side
        side = rng.choice((0.0, 1.0))
        span = w * rng.uniform(0.3, 0.5)
        land = ridge(rng, span, hz, 0.07 * h, 0.5)
        # Taper the open end down to the water, so the land doesn't end in a wall.
        land = [(x, hz - (hz - y) * min(1.0, 3 * (1 - x / span))) for x, y in land]
        if not side:
            land = [(span - x, y) for x, y in land]
            land = [(w - span + x, y) for x, y in land]
        land = [*land, (land[-1][0], hz), (land[0][0], hz)]
        draw.polygon(land, fill=rgba(mix(p.far, p.horizon, 0.4), 1.0))
    draw.line((0, hz, w, hz), fill=rgba(mix(p.horizon, (255, 255, 255), 0.4), 0.6), width=layout.ss)
    # The sun's or moon's reflection: a column of short dashes, wider near the viewer.
    if layout.body_y < hz and scene.lighting != "storm":
        for k in range(40):
            t = k / 40
            y = hz + (h - hz) * t**1.3 + layout.unit * 0.3
            half = layout.body_r * (0.35 + 1.1 * t) * rng.uniform(0.4, 1.0)
            x = layout.body_x + rng.uniform(-0.15, 0.15) * layout.body_r
            draw.line(
                (x - half, y, x + half, y),
                fill=rgba(p.glow, 0.55 * (1 - t) + 0.1),
                width=max(1, round(layout.unit * (0.15 + 0.35 * t))),
            )
    # Wave crests: short arcs whose size and spacing grow towards the viewer.
    crest = mix(p.horizon, (255, 255, 255), 0.35)
    rows = 18
    for i in range(rows):
        t = (i + 1) / rows
        y = hz + (h - hz) * t**1.6
        length = layout.width * (0.02 + 0.08 * t)
        for _ in range(round(6 + 10 * t)):
            x = rng.uniform(-0.05, 1.0) * w
            lift = layout.unit * (0.2 + 1.2 * t)
            draw.arc(
                (x, y - lift, x + length, y + lift),
                start=200,
                end=340,
                fill=rgba(crest, 0.18 + 0.3 * t),
                width=max(1, round(layout.unit * (0.12 + 0.3 * t))),
            )


def pine(draw: ImageDraw.ImageDraw, x: float, base: float, height: float, color: RGB) -> None:
    """A pine silhouette: a trunk under four stacked triangles."""
    width = height * 0.42
    trunk = width * 0.09
    draw.rectangle((x - trunk, base - height * 0.18, x + trunk, base), fill=rgba(color, 1.0))
    for tier in range(4):
        top = base - height * (1.0 - tier * 0.2)
        bottom = base - height * (0.48 - tier * 0.12)
        half = width * (0.3 + tier * 0.12)
        draw.polygon([(x, top), (x + half, bottom), (x - half, bottom)], fill=rgba(color, 1.0))


def _forest(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    p, w, h, hz = scene.palette, layout.width, layout.height, layout.horizon
    draw = blend_draw(image)
    _fill_below(draw, rolling(rng, w, hz - 0.02 * h, 0.05 * h), h, mix(p.far, p.horizon, 0.55))
    rows = (
        (hz + 0.01 * h, (0.07, 0.12), 0.55, 0.45),  # base, height range, colour mix, spacing
        (hz + 0.07 * h, (0.13, 0.2), 0.25, 0.55),
        (hz + 0.16 * h, (0.2, 0.34), 0.0, 0.75),
    )
    for base, (lo, hi), far_mix, gap in rows:
        color = mix(p.near, p.horizon, far_mix) if far_mix else p.near
        line = rolling(rng, w, base, 0.02 * h)
        _fill_below(draw, line, h, color)
        x = rng.uniform(-0.03, 0.02) * w
        while x < w * 1.03:
            tree_h = h * rng.uniform(lo, hi)
            pine(draw, x, _y_at(line, x) + h * 0.01, tree_h, color)
            x += tree_h * gap * rng.uniform(0.5, 1.3)


def _city(image: Image.Image, scene: Scene, layout: Layout, rng: random.Random) -> None:
    p, w, h, hz = scene.palette, layout.width, layout.height, layout.horizon
    draw = blend_draw(image)
    lit = scene.lighting in _LIT_LIGHTING
    layers = (
        (hz + 0.01 * h, (0.03, 0.07), (0.08, 0.26), mix(p.far, p.horizon, 0.45), 0.35),
        (hz + 0.06 * h, (0.05, 0.11), (0.12, 0.34), mix(p.far, p.near, 0.5), 0.8),
    )
    for base, widths, heights, color, window_alpha in layers:
        x = -rng.uniform(0, 0.04) * w
        while x < w:
            bw = w * rng.uniform(*widths)
            bh = h * rng.uniform(*heights)
            top = base - bh
            draw.rectangle((x, top, x + bw, h), fill=rgba(color, 1.0))
            if rng.random() < 0.25:  # an antenna
                ax = x + bw * rng.uniform(0.3, 0.7)
                draw.line((ax, top, ax, top - bh * 0.15), fill=rgba(color, 1.0), width=layout.ss)
            _windows(draw, (x, top, bw, base - top), scene, layout, rng, window_alpha, lit)
            x += bw + w * rng.uniform(0.0, 0.015)
    _fill_below(draw, rolling(rng, w, hz + 0.12 * h, 0.005 * h), h, p.near)


def _windows(
    draw: ImageDraw.ImageDraw,
    building: tuple[float, float, float, float],
    scene: Scene,
    layout: Layout,
    rng: random.Random,
    alpha: float,
    lit: bool,
) -> None:
    x, top, bw, bh = building
    cell = layout.unit * 1.6
    cols = max(1, int((bw - cell * 0.5) // cell))
    rows = max(1, int((bh - cell) // (cell * 1.3)))
    margin = (bw - cols * cell) / 2
    chance = 0.38 if lit else 0.6
    color = scene.palette.accent if lit else mix(scene.palette.horizon, (255, 255, 255), 0.3)
    level = alpha if lit else alpha * 0.35
    for r in range(rows):
        for c in range(cols):
            if rng.random() < chance:
                wx = x + margin + c * cell + cell * 0.25
                wy = top + cell * 0.6 + r * cell * 1.3
                draw.rectangle((wx, wy, wx + cell * 0.5, wy + cell * 0.7), fill=rgba(color, level))
