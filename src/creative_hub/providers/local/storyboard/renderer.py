"""StoryboardRenderer: the embedded, non-neural ImageGenerator.

It draws a designed storyboard card (a mood palette and a simple landscape
composition derived from the prompt, with the scene text typeset on it) and says
so in its description and on the frame itself.
"""

from __future__ import annotations

import io
import random
import secrets
from functools import lru_cache

from PIL import Image, ImageChops

from creative_hub.providers.base import (
    Capability,
    GeneratedImage,
    ImageRequest,
    ModelInfo,
    Progress,
    ProviderError,
    ProviderInfo,
    no_progress,
)
from creative_hub.providers.local import cpu
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.storyboard.fonts import CJK_PACKAGE_HINT, FontSet, find_fonts
from creative_hub.providers.local.storyboard.ground import draw_ground
from creative_hub.providers.local.storyboard.mood import PALETTES, Scene, derive_scene
from creative_hub.providers.local.storyboard.paint import mix, plan_layout
from creative_hub.providers.local.storyboard.sky import (
    draw_body,
    draw_bokeh,
    draw_clouds,
    draw_fog,
    draw_stars,
    draw_weather,
    sky_gradient,
)
from creative_hub.providers.local.storyboard.typeset import draw_caption, draw_labels
from creative_hub.settings import Settings

NAME = "storyboard"
MODEL_ID = "storyboard"
LABEL = "storyboard renderer, not a neural model"
MIN_SIDE = 64
MAX_WIDTH, MAX_HEIGHT = 1920, 1080
MAX_PROMPT_CHARS = 4000
# Shapes are drawn at twice the size and reduced: cheap anti-aliasing for polygons.
SUPERSAMPLE = 2
# zlib level 3: half the encode time of the default level 6 for ~20% more bytes.
PNG_COMPRESS_LEVEL = 3


def validate_size(width: int, height: int) -> None:
    if not (MIN_SIDE <= width <= MAX_WIDTH and MIN_SIDE <= height <= MAX_HEIGHT):
        raise ProviderError(
            "invalid_size",
            f"Image size {width}x{height} is outside what the storyboard renderer draws: "
            f"width {MIN_SIDE}..{MAX_WIDTH} and height {MIN_SIDE}..{MAX_HEIGHT} pixels.",
        )


def render_frame(
    fonts: FontSet,
    prompt: str,
    caption: str,
    width: int,
    height: int,
    seed: int,
    style: str | None = None,
) -> bytes:
    """The PNG of one card. Pure function of its arguments: same input, same bytes."""
    scene = derive_scene(prompt, style)
    rng = random.Random(seed)  # noqa: S311 - layout variety, not security
    scene = _jitter(scene, rng)
    layout = plan_layout(scene, width, height, SUPERSAMPLE, rng)
    big = sky_gradient(scene, layout)
    for step in (
        draw_stars,
        draw_bokeh,
        draw_clouds,
        draw_body,
        draw_ground,
        draw_fog,
        draw_weather,
    ):
        step(big, scene, layout, rng)
    image = big.reduce(SUPERSAMPLE)
    image = ImageChops.multiply(image, _vignette(width, height))
    draw_labels(image, fonts, scene)
    draw_caption(image, fonts, scene, caption)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()


def _jitter(scene: Scene, rng: random.Random) -> Scene:
    """Seeded small shifts of the sky colours, so frames of one mood are not clones."""
    p = scene.palette
    shift = rng.uniform(-0.08, 0.08)
    target = (255, 255, 255) if shift > 0 else (0, 0, 0)
    sky = {k: mix(getattr(p, k), target, abs(shift)) for k in ("sky_top", "sky_mid")}
    palette = type(p)(**{**p.__dict__, **sky})
    return Scene(scene.lighting, scene.setting, palette, scene.matched)


@lru_cache(maxsize=4)
def _vignette(width: int, height: int) -> Image.Image:
    """Darkens the corners by up to ~30%; the same for every frame of a size."""
    mask = Image.radial_gradient("L").resize((width, height), Image.Resampling.BILINEAR)
    # radial_gradient: 0 at the centre, 255 at the edge circle (beyond it, more).
    levels = mask.point(lambda v: 255 - round(min(1.0, max(0.0, (v - 110) / 145)) ** 1.6 * 80))
    return Image.merge("RGB", (levels, levels, levels))


class StoryboardRenderer:
    """ImageGenerator drawing storyboard cards; no neural model (and it says so)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: LazyEngine[FontSet] = LazyEngine(self._load, slots=settings.engine_slots)

    def _load(self) -> FontSet:
        return FontSet(find_fonts(self.settings.font_path))

    def describe(self) -> ProviderInfo:
        files = find_fonts(self.settings.font_path)
        notes: list[str] = []
        if files.configured_problem:
            notes.append(files.configured_problem)
        if not files.cjk_available:
            notes.append(f"Chinese glyphs unavailable: {CJK_PACKAGE_HINT}")
        label = LABEL if not notes else f"{LABEL} ({'; '.join(notes)})"
        return ProviderInfo(
            name=NAME,
            capability=Capability.image,
            models=(ModelInfo(id=MODEL_ID, name="Storyboard cards (not a neural model)"),),
            neural=False,
            label=label,
            local=True,
            supports={
                "min_size": [MIN_SIDE, MIN_SIDE],
                "max_size": [MAX_WIDTH, MAX_HEIGHT],
                "seed": True,
                "caption": True,
                "negative_prompt": False,
                "styles": sorted(PALETTES),
                "cjk_glyphs": files.cjk_available,
                "fonts": [p for p in (files.latin, files.cjk) if p],
                "upscale": {"method": "lanczos", "scale": [2, 4], "max_size": [3840, 2160]},
            },
            available=files.any_font,
            unavailable_reason=None if files.any_font else "no font installed (fonts-dejavu-core)",
        )

    async def generate(
        self, request: ImageRequest, progress: Progress = no_progress
    ) -> GeneratedImage:
        validate_size(request.width, request.height)
        prompt = request.prompt.strip()
        if not prompt:
            raise ProviderError("empty_prompt", "Describe the scene: the prompt is empty.")
        if len(prompt) > MAX_PROMPT_CHARS:
            raise ProviderError(
                "prompt_too_long", f"Shorten the prompt to at most {MAX_PROMPT_CHARS} characters."
            )
        if request.model not in (None, "", MODEL_ID):
            raise ProviderError(
                "unknown_model", f"The storyboard renderer has one model, {MODEL_ID!r}."
            )
        seed = request.seed if request.seed is not None else secrets.randbelow(2**31)
        caption = (request.caption or "").strip() or prompt
        await progress(0.0, "Loading fonts")
        try:
            fonts = await self._engine.get()
        except OSError as exc:
            raise ProviderError("engine_unavailable", str(exc)) from exc
        async with self._engine.slots:
            await progress(0.1, "Drawing the storyboard frame")
            png = await cpu.run(
                render_frame,
                fonts,
                prompt,
                caption,
                request.width,
                request.height,
                seed,
                request.style,
            )
        await progress(1.0, "Done")
        return GeneratedImage(png=png, width=request.width, height=request.height, seed=seed)
