"""The Prompt Expert page in a real browser: enhance, variations, critique, and carrying
the result to the Image page."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import NewPage, Screenshot, sign_up

MODEL_TIMEOUT = 60_000  # the rules answer at once; the text model may take a few seconds


async def test_enhance_a_prompt_and_use_it_on_the_image_page(
    page: Page, screenshot: Screenshot
) -> None:
    await page.goto("/prompts")
    await page.get_by_label("Your idea").fill("a cat in the rain")
    await page.get_by_label("Target").select_option("image")
    await page.get_by_label("Style").select_option("cinematic")
    await page.get_by_role("button", name="Enhance").click()
    enhanced = page.locator("[data-enhanced-prompt]")
    await expect(enhanced).to_contain_text("cat", timeout=MODEL_TIMEOUT)
    await expect(enhanced).to_contain_text("cinematic")
    text = await enhanced.inner_text()
    negative = await page.locator("[data-negative-prompt]").inner_text()
    await screenshot(page, "prompts")
    assert page.console_errors == []  # type: ignore[attr-defined]
    await page.get_by_role("link", name="Use in Image").first.click()
    await expect(page).to_have_url(re.compile(r"/images\?prompt="))
    await expect(page.get_by_role("heading", name="Image generation")).to_be_visible()
    await expect(page.get_by_label("Prompt", exact=True)).to_have_value(text)
    await expect(page.get_by_label("Negative prompt")).to_have_value(negative)


async def test_variations_and_critique(page: Page) -> None:
    await page.goto("/prompts?prompt=a+lighthouse&target=image")
    await expect(page.get_by_label("Your idea")).to_have_value("a lighthouse")
    await page.get_by_label("Variations", exact=True).fill("3")
    await page.get_by_role("button", name="Variations").click()
    results = page.locator(".prompt-result article")
    await expect(results).to_have_count(3, timeout=MODEL_TIMEOUT)
    await expect(results.first.get_by_role("link", name="Use in Video")).to_have_attribute(
        "href", re.compile(r"^/videos\?prompt=")
    )
    await page.get_by_role("button", name="Critique").click()
    await expect(page.locator("[data-score]")).to_have_text(
        re.compile(r"^\d+$"), timeout=MODEL_TIMEOUT
    )
    await expect(page.get_by_role("heading", name="Improved prompt")).to_be_visible()


async def test_an_empty_idea_is_flagged_next_to_the_field(page: Page) -> None:
    await page.goto("/prompts")
    await page.get_by_role("button", name="Enhance").click()
    await expect(page.locator("#prompt-error")).to_have_text("Required.")
    await expect(page.get_by_label("Your idea")).to_have_attribute("aria-invalid", "true")


async def test_the_page_in_chinese(new_page: NewPage, screenshot: Screenshot) -> None:
    page = await new_page(locale="zh-CN")
    await sign_up(page)
    await page.goto("/prompts")
    await expect(page.get_by_role("heading", name="提示词专家", exact=True)).to_be_visible()
    await page.get_by_label("你的想法").fill("雨中的猫")
    await page.get_by_role("button", name="优化").click()
    await expect(page.get_by_role("heading", name="优化后的提示词")).to_be_visible(
        timeout=MODEL_TIMEOUT
    )
    await expect(page.locator("[data-enhanced-prompt]")).to_contain_text("猫")
    await expect(page.get_by_role("link", name="用于图像")).to_be_visible()
    await screenshot(page, "prompts-zh")
