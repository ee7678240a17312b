"""The Video page in a real browser: text to video with its player, image to video from
an uploaded picture, and composing a made clip with typed subtitles."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.async_api import Page, expect

from tests.web.conftest import Screenshot

JOB_TIMEOUT = 120_000
DURATION = """(video) => new Promise((resolve) => {
  if (video.readyState >= 1) return resolve(video.duration);
  video.addEventListener("loadedmetadata", () => resolve(video.duration), {once: true});
  video.addEventListener("error", () => resolve(-1), {once: true});
  video.load();
})"""
SRT = "1\n00:00:00,000 --> 00:00:01,500\nHello <i>there</i>\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 180), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


async def test_text_to_video_then_compose_with_subtitles(
    page: Page, screenshot: Screenshot
) -> None:
    await page.goto("/videos")
    await page.get_by_label("Prompt", exact=True).fill("Waves on a quiet beach")
    await page.get_by_label("Size").select_option("960x540")
    await page.get_by_label("Duration (s)").fill("2")
    await page.get_by_label("Camera motion").select_option("pan_left")
    await page.get_by_role("button", name="Create video").click()
    card = page.locator("#video-results .task-card").first
    await expect(card.get_by_text("Text to video")).to_be_visible()
    await expect(card.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    assert 1.5 < await card.locator("video").evaluate(DURATION) < 3
    await screenshot(page, "videos")
    assert page.console_errors == []  # type: ignore[attr-defined]

    await page.get_by_role("link", name="Compose").click()
    await expect(page.get_by_role("link", name="Compose")).to_have_attribute("aria-current", "page")
    await page.locator("input[name=visuals]").first.check()
    await page.get_by_label("Subtitles (SRT or WebVTT, optional)").fill("not subtitles")
    await page.get_by_role("button", name="Create video").click()
    await expect(page.locator("#subtitles-error")).to_be_visible()
    await page.get_by_label("Subtitles (SRT or WebVTT, optional)").fill(SRT)
    await page.get_by_label("Burn the subtitles into the picture").check()
    await page.get_by_role("button", name="Create video").click()
    composed = page.locator("#video-results .task-card").first
    await expect(composed.get_by_text("Video composition")).to_be_visible()
    await expect(composed.locator(".task-prompt")).to_have_text("Hello <i>there</i>")
    await expect(composed.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    assert await composed.locator("video").evaluate(DURATION) > 1


async def test_image_to_video_from_an_uploaded_picture(page: Page) -> None:
    await page.goto("/videos?mode=image")
    await page.get_by_role("button", name="Create video").click()
    await expect(page.locator("#asset_id-error")).to_be_visible()  # no picture chosen
    await page.get_by_label("Or upload a picture").set_input_files(
        {"name": "sun.png", "mimeType": "image/png", "buffer": _png()}
    )
    await page.get_by_label("Duration (s)").fill("1.5")
    await page.get_by_role("button", name="Create video").click()
    card = page.locator("#video-results .task-card").first
    await expect(card.get_by_text("Image to video")).to_be_visible()
    await expect(card.locator(".task-prompt")).to_have_text("animate sun.png")
    await expect(card.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    await expect(card.get_by_role("link", name="Download MP4")).to_have_attribute(
        "href", re.compile(r"^/api/assets/.+\?download=true$")
    )
