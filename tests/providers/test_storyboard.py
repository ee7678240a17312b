"""The storyboard renderer and upscaler, judged on the PNG/WebP bytes they produce."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from creative_hub.providers.base import Capability, ImageRequest, ProviderError
from creative_hub.providers.local.storyboard import (
    StoryboardRenderer,
    render_frame,
    thumbnail_webp,
    upscale,
)
from creative_hub.providers.local.storyboard import fonts as fonts_module
from creative_hub.providers.local.storyboard.fonts import FontSet, covers, find_fonts
from creative_hub.providers.local.storyboard.mood import derive_scene
from creative_hub.providers.local.storyboard.typeset import (
    ELLIPSIS,
    draw_caption,
    draw_labels,
    draw_text,
    layout_caption,
)
from creative_hub.settings import Settings

W, H = 640, 360


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory) -> StoryboardRenderer:
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("sb"), font_path="")
    return StoryboardRenderer(settings)


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return FontSet(find_fonts(""))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


async def test_png_has_the_asked_size_mode_and_is_a_picture(renderer: StoryboardRenderer) -> None:
    request = ImageRequest(prompt="a lighthouse on a cliff at sunset", width=W, height=H, seed=5)
    result = await renderer.generate(request)
    image = Image.open(io.BytesIO(result.png))
    assert image.format == "PNG"
    assert image.size == (W, H) and (result.width, result.height) == (W, H)
    assert image.mode == "RGB"
    assert result.seed == 5
    data = pixels(result.png)
    assert data.std() > 20  # not a flat card
    colours = np.unique(data.reshape(-1, 3), axis=0)
    assert len(colours) > 1000  # gradients, shapes and antialiased text


async def test_same_seed_same_bytes_other_seed_other_frame(renderer: StoryboardRenderer) -> None:
    def req(seed: int) -> ImageRequest:
        return ImageRequest(prompt="night forest", width=W, height=H, seed=seed)

    first, again, other = [await renderer.generate(req(s)) for s in (42, 42, 43)]
    assert first.png == again.png
    assert first.png != other.png
    changed = np.any(pixels(first.png) != pixels(other.png), axis=2).mean()
    assert changed > 0.2  # a different layout, not a few pixels


async def test_without_a_seed_the_chosen_seed_reproduces_the_frame(
    renderer: StoryboardRenderer,
) -> None:
    first = await renderer.generate(ImageRequest(prompt="calm ocean", width=320, height=180))
    again = await renderer.generate(
        ImageRequest(prompt="calm ocean", width=320, height=180, seed=first.seed)
    )
    assert first.png == again.png


async def test_moods_have_different_palettes(renderer: StoryboardRenderer) -> None:
    assert derive_scene("sunset").lighting == "sunset"
    night = derive_scene("night forest")
    assert (night.lighting, night.setting) == ("night", "forest")
    assert derive_scene("夜晚的森林").tag == night.tag
    assert derive_scene("日落时的大海").tag == "SUNSET · OCEAN"

    async def sky(prompt: str) -> np.ndarray:
        png = (await renderer.generate(ImageRequest(prompt, W, H, seed=1, caption="x"))).png
        return pixels(png)[H // 8 : H // 2].reshape(-1, 3).mean(axis=0)

    sunset, forest = await sky("sunset"), await sky("night forest")
    assert np.abs(sunset - forest).sum() > 150
    assert sunset[0] > sunset[2]  # warm: more red than blue
    assert forest[2] > forest[0] and forest.mean() < 90  # dark and blue


def test_fonts_are_real_and_coverage_is_detected(fonts: FontSet) -> None:
    files = fonts.files
    assert files.latin and files.cjk, "install fonts-dejavu-core and fonts-wqy-microhei"
    assert covers(files.cjk, "夜") and covers(files.cjk, "海")
    assert not covers(files.latin, "夜")  # DejaVu has no Han glyphs: the check can say no
    assert covers(files.latin, "A")
    runs = fonts.runs("Scene 1: 夜晚")
    assert runs == [(files.latin, "Scene 1: "), (files.cjk, "夜晚")]


def test_chinese_renders_glyphs_not_boxes(fonts: FontSet) -> None:
    def ink(text: str) -> bytes:
        image = Image.new("RGB", (200, 60), (0, 0, 0))
        draw_text(image, fonts, (10, 45), text, 40, (255, 255, 255, 255))
        return image.tobytes()

    tofu = ink("\U0010fffd")  # what a missing glyph looks like in this font chain
    night, sea, forest = ink("夜"), ink("海"), ink("森")
    assert len({tofu, night, sea, forest}) == 4
    assert night != ink(" ")  # something was drawn


async def test_chinese_caption_in_a_frame_shows_distinct_characters(
    renderer: StoryboardRenderer,
) -> None:
    # Tofu boxes would look the same for every character; real glyphs differ.
    frames = [
        pixels((await renderer.generate(ImageRequest("海", W, H, seed=3, caption=c))).png)
        for c in ("夜晚的海", "森林日落")
    ]
    panel = (slice(H * 2 // 3, H), slice(0, W))
    assert np.any(frames[0][panel] != frames[1][panel], axis=2).mean() > 0.01
    assert np.array_equal(frames[0][: H // 2], frames[1][: H // 2])  # same scene above


def test_long_latin_caption_wraps_by_word_inside_the_box(fonts: FontSet) -> None:
    text = "The detective climbs the spiral stairs of the old lighthouse while the storm rages"
    layout = layout_caption(fonts, text, 300, 200, 24, 12)
    assert len(layout.lines) > 1 and not layout.truncated
    assert all(width <= 300 for width in layout.widths)
    assert " ".join(layout.lines) == text  # whole words, none lost


def test_long_chinese_caption_wraps_by_character(fonts: FontSet) -> None:
    text = "夜晚的森林里，一只猫头鹰静静地看着月亮慢慢升起，远处的小镇灯火一盏盏熄灭。"
    layout = layout_caption(fonts, text, 240, 400, 24, 12)
    assert len(layout.lines) > 1
    assert all(width <= 240 for width in layout.widths)
    assert "".join(layout.lines) == text
    assert not any(line[0] in "，。" for line in layout.lines)  # no line starts with 。


def test_too_long_caption_shrinks_then_ends_with_an_ellipsis(fonts: FontSet) -> None:
    text = "word " * 400
    layout = layout_caption(fonts, text, 300, 100, 24, 12)
    assert layout.size == 12 and layout.truncated
    assert layout.lines[-1].endswith(ELLIPSIS)
    assert layout.height <= 100


def test_caption_panel_stays_inside_the_frame(fonts: FontSet) -> None:
    image = Image.new("RGB", (W, H), (255, 255, 255))
    layout = draw_caption(image, fonts, derive_scene("storm"), "a long caption " * 60)
    assert len(layout.lines) > 2
    data = np.asarray(image)
    assert (data[: H // 2] == 255).all()  # the panel keeps to the lower part
    assert (data[H - 3 :] == 255).all() and (data[:, :3] == 255).all()  # and off the edges
    assert (data[int(H * 0.7) :, 30:-30] != 255).any()


def test_honest_badge_is_drawn_top_right(fonts: FontSet) -> None:
    image = Image.new("RGB", (W, H), (255, 255, 255))
    draw_labels(image, fonts, derive_scene("night"))
    corner = np.asarray(image)[5:40, W // 2 : W - 5]
    assert (corner < 128).any()  # the dark pill with the label text


async def test_sizes_from_64_to_1920x1080(renderer: StoryboardRenderer) -> None:
    for width, height in ((64, 64), (1920, 1080), (200, 900)):
        result = await renderer.generate(ImageRequest("森林", width, height, seed=1))
        assert Image.open(io.BytesIO(result.png)).size == (width, height)


@pytest.mark.parametrize("size", [(63, 100), (100, 63), (1921, 1080), (1920, 1081), (0, 0)])
async def test_invalid_sizes_are_refused(
    renderer: StoryboardRenderer, size: tuple[int, int]
) -> None:
    with pytest.raises(ProviderError) as caught:
        await renderer.generate(ImageRequest("sea", *size, seed=1))
    assert caught.value.code == "invalid_size"
    assert "1920" in caught.value.message


async def test_bad_requests_are_refused(renderer: StoryboardRenderer) -> None:
    with pytest.raises(ProviderError) as caught:
        await renderer.generate(ImageRequest("   ", W, H))
    assert caught.value.code == "empty_prompt"
    with pytest.raises(ProviderError) as caught:
        await renderer.generate(ImageRequest("sea", W, H, model="sdxl"))
    assert caught.value.code == "unknown_model"


async def test_progress_and_concurrent_calls(renderer: StoryboardRenderer) -> None:
    seen: list[float] = []

    async def progress(fraction: float, _message: str | None = None) -> None:
        seen.append(fraction)

    results = await asyncio.gather(
        *(renderer.generate(ImageRequest("city", 320, 180, seed=s), progress) for s in range(3))
    )
    assert len({r.png for r in results}) == 3
    assert seen.count(1.0) == 3 and min(seen) == 0.0


def test_describe_is_honest(renderer: StoryboardRenderer) -> None:
    info = renderer.describe()
    assert info.capability is Capability.image and info.local
    assert info.neural is False
    assert "not a neural model" in info.label
    assert info.available and info.supports["cjk_glyphs"] is True
    assert info.supports["max_size"] == [1920, 1080]


def test_a_font_path_without_chinese_is_reported(tmp_path: Path) -> None:
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        font_path="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    )
    info = StoryboardRenderer(settings).describe()
    assert "has no Chinese glyphs" in info.label
    assert info.supports["cjk_glyphs"] is True  # fell back to the installed CJK font


async def test_without_a_cjk_font_it_still_renders_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A machine without the font package: no candidate file exists.
    monkeypatch.setattr(fonts_module, "CJK_CANDIDATES", ("/nonexistent/font.ttc",))
    find_fonts.cache_clear()
    try:
        renderer = StoryboardRenderer(Settings(environment="test", data_dir=tmp_path))
        info = renderer.describe()
        assert info.available and info.supports["cjk_glyphs"] is False
        assert "Chinese glyphs unavailable" in info.label and "fonts-wqy-microhei" in info.label
        result = await renderer.generate(ImageRequest("夜", 320, 180, seed=1, caption="夜晚"))
        assert Image.open(io.BytesIO(result.png)).size == (320, 180)
    finally:
        find_fonts.cache_clear()


@pytest.fixture(scope="module")
def frame(fonts: FontSet) -> bytes:
    return render_frame(fonts, "sunset ocean", "Upscale me", 480, 270, 9)


def test_upscale_doubles_with_lanczos(frame: bytes) -> None:
    big = Image.open(io.BytesIO(upscale(frame, 2)))
    assert big.format == "PNG" and big.size == (960, 540) and big.mode == "RGB"
    # Scaled back down it is the same picture (resampling, not a new image).
    back = np.asarray(big.resize((480, 270), Image.Resampling.LANCZOS), dtype=np.int16)
    assert np.abs(back - pixels(frame)).mean() < 3
    assert Image.open(io.BytesIO(upscale(frame, 4))).size == (1920, 1080)


def test_upscale_limits() -> None:
    rgba = io.BytesIO()
    Image.new("RGBA", (1000, 500), (10, 20, 30, 128)).save(rgba, "PNG")
    kept = Image.open(io.BytesIO(upscale(rgba.getvalue(), 3)))
    assert kept.mode == "RGBA" and kept.size == (3000, 1500)
    with pytest.raises(ProviderError) as caught:
        upscale(rgba.getvalue(), 4)  # 4000 wide
    assert caught.value.code == "invalid_size"
    for scale in (1, 1.5, 5):
        with pytest.raises(ProviderError) as caught:
            upscale(rgba.getvalue(), scale)
        assert caught.value.code == "invalid_scale"
    with pytest.raises(ProviderError) as caught:
        upscale(b"not an image", 2)
    assert caught.value.code == "invalid_image"


def test_thumbnail_is_webp_with_max_side_256(frame: bytes) -> None:
    thumb = Image.open(io.BytesIO(thumbnail_webp(frame)))
    assert thumb.format == "WEBP"
    assert thumb.size == (256, 144)
    tall = io.BytesIO()
    Image.new("RGB", (300, 900), (200, 10, 10)).save(tall, "PNG")
    assert Image.open(io.BytesIO(thumbnail_webp(tall.getvalue()))).size == (85, 256)
    small = Image.open(io.BytesIO(thumbnail_webp(frame, max_side=1024)))
    assert small.size == (480, 270)  # never enlarged
