"""The Image page in a real browser: generate, watch it finish, find it in History, reuse
its settings; a prompt with markup shows as text; form errors sit next to their fields."""

from __future__ import annotations

import re

from playwright.async_api import Dialog, Page, expect

from tests.web.conftest import Screenshot

JOB_TIMEOUT = 60_000
SCRIPT_PROMPT = '<script>alert("x")</script> a lighthouse at dusk'


async def test_generate_an_image_and_find_it_in_history(page: Page, screenshot: Screenshot) -> None:
    dialogs: list[Dialog] = []  # an alert() here would mean the prompt ran as script

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog)

    page.on("dialog", record)
    await page.goto("/images")
    await page.get_by_label("Prompt", exact=True).fill(SCRIPT_PROMPT)
    await page.get_by_label("Size").select_option("512x512")
    await page.get_by_label("Seed").fill("42")
    await page.get_by_role("button", name="Generate").click()
    card = page.locator("#image-results .task-card").first
    await expect(card.locator(".task-prompt")).to_have_text(SCRIPT_PROMPT)
    # Live: the card follows the task and shows the finished image in place.
    await expect(card.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    image = card.locator(".task-gallery img")
    await expect(image).to_have_attribute("alt", SCRIPT_PROMPT)
    # The <img> appears before its bytes arrive: wait for the load to end, then check it
    # did not end broken (a broken image is complete with no width).
    await expect(image).to_have_js_property("complete", True)
    assert await image.evaluate("img => img.naturalWidth") > 0
    await expect(card.get_by_role("link", name="Download")).to_have_attribute(
        "href", re.compile(r"^/api/assets/[0-9a-f-]+\?download=true$")
    )
    assert await page.locator("#image-results script").count() == 0
    await screenshot(page, "images")
    assert page.console_errors == []  # type: ignore[attr-defined]

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    await page.get_by_label("Search prompts").fill("lighthouse")
    row = page.locator("#history-rows .task-card").first
    await expect(row.locator(".task-prompt")).to_have_text(SCRIPT_PROMPT)
    await expect(row.get_by_text("Succeeded")).to_be_visible()
    await expect(page).to_have_url(re.compile(r"/history\?.*q=lighthouse"))
    await row.get_by_role("link", name="Details").click()
    await expect(page.get_by_role("heading", name="Details")).to_be_visible()
    await expect(page.locator(".task-gallery img")).to_be_visible()
    await expect(page.get_by_text("local · storyboard")).to_be_visible()
    assert dialogs == []

    # Reuse settings: back on the Image page with the same prompt, size and seed.
    await page.get_by_role("link", name="Reuse settings").click()
    await expect(page.get_by_label("Prompt", exact=True)).to_have_value(SCRIPT_PROMPT)
    await expect(page.get_by_label("Size")).to_have_value("512x512")
    await expect(page.get_by_label("Seed")).to_have_value("42")


async def test_form_errors_show_next_to_their_fields(page: Page) -> None:
    await page.goto("/images")
    await page.get_by_label("Count").fill("9")
    await page.get_by_role("button", name="Generate").click()
    await expect(page.locator("#prompt-error")).to_have_text("Required.")
    await expect(page.locator("#count-error")).to_have_text("At most 4.")
    await expect(page.get_by_label("Count")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#image-results .task-card")).to_have_count(0)
    # Fixed, the same form goes through and the errors are gone.
    await page.get_by_label("Prompt", exact=True).fill("a red kite")
    await page.get_by_label("Count").fill("2")
    await page.get_by_role("button", name="Generate").click()
    await expect(page.locator("#image-results .task-card")).to_have_count(1)
    await expect(page.locator(".field-error")).to_have_count(0)
    card = page.locator("#image-results .task-card").first
    await expect(card.locator(".task-gallery img")).to_have_count(2, timeout=JOB_TIMEOUT)
