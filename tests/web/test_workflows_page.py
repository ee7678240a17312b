"""The Workflows page in a real browser: the coffee workflow from an idea to the final
video player, and editing a step."""

from __future__ import annotations

import json
import re

from playwright.async_api import Page, expect

from tests.web.conftest import Screenshot

RUN_TIMEOUT = 300_000  # six steps with the embedded engines on two shared cores
STEP_TIMEOUT = 120_000
DURATION = """(video) => new Promise((resolve) => {
  if (video.readyState >= 1) return resolve(video.duration);
  video.addEventListener("loadedmetadata", () => resolve(video.duration), {once: true});
  video.addEventListener("error", () => resolve(-1), {once: true});
  video.load();
})"""


async def test_the_coffee_workflow_runs_to_the_final_video(
    page: Page, screenshot: Screenshot
) -> None:
    await page.goto("/workflows")
    await page.get_by_label("Your idea").fill("a 30-second video about how coffee is made")
    await page.get_by_role("button", name="Create and run all steps").click()
    await expect(page).to_have_url(re.compile(r"/workflows/[0-9a-f-]{36}$"))
    stepper = page.locator("#workflow-stepper")
    await expect(stepper.get_by_text("Running").first).to_be_visible()
    await expect(page.get_by_role("button", name="Cancel")).to_be_visible()
    # Live: the steps turn done one after another without a reload, ending with the player.
    final = page.locator("[data-final-video]")
    await expect(final).to_be_visible(timeout=RUN_TIMEOUT)
    await expect(stepper).to_have_attribute("data-status", "completed")
    for step in ("script", "storyboard", "images", "video", "audio", "compose"):
        await expect(page.locator(f"#step-{step} [data-step-state]")).to_have_text("Done")
    duration = await final.evaluate(DURATION)
    assert 20 < duration < 45, duration
    await expect(page.get_by_role("link", name="Download MP4")).to_have_attribute(
        "href", re.compile(r"^/api/assets/.+\?download=true$")
    )
    await page.locator("#step-images > details > summary").click()
    await expect(page.locator("#step-images .task-gallery img").first).to_be_visible()
    await screenshot(page, "workflow")
    assert page.console_errors == []  # type: ignore[attr-defined]
    # Its tasks are in History, with a link back.
    await page.goto("/history?type=workflow_step")
    await expect(page.locator("#history-rows .task-card")).to_have_count(6)


async def test_edit_a_step_and_see_later_steps_go_out_of_date(page: Page) -> None:
    await page.goto("/workflows")
    await page.get_by_label("Your idea").fill("a short video about tea")
    await page.get_by_role("button", name="Create, then go step by step").click()
    await expect(page.locator("#step-script [data-step-state]")).to_have_text("Pending")
    await page.locator("#step-script").get_by_role("button", name="Run this step").click()
    await expect(page.locator("#step-script [data-step-state]")).to_have_text(
        "Done", timeout=STEP_TIMEOUT
    )
    await page.locator("#step-storyboard").get_by_role("button", name="Run this step").click()
    await expect(page.locator("#step-storyboard [data-step-state]")).to_have_text(
        "Done", timeout=STEP_TIMEOUT
    )
    script = page.locator("#step-script")
    await script.locator("> details > summary").click()
    await script.get_by_text("Edit this step").click()
    editor = script.get_by_label("Step data (JSON)")
    data = json.loads(await editor.input_value())
    # Invalid data is refused next to the editor and nothing changes.
    await editor.fill(json.dumps({**data, "scenes": []}))
    await script.get_by_role("button", name="Save").click()
    await expect(page.locator("#edit-script-error")).to_contain_text("scenes")
    data["scenes"][0]["narration"] = "Tea <b>leaves</b> unfurl in hot water."
    await page.locator("#step-script").get_by_label("Step data (JSON)").fill(json.dumps(data))
    await page.locator("#step-script").get_by_role("button", name="Save").click()
    await expect(page.locator("#step-storyboard [data-step-state]")).to_have_text("Out of date")
    # The narration form: an emptied line is refused next to it; a new title is saved.
    script = page.locator("#step-script")
    await script.locator("> details > summary").click()
    await script.get_by_text("Edit the narration").click()
    await script.get_by_label("Scene 2").fill("")
    await script.get_by_role("button", name="Save").first.click()
    await expect(page.locator("#narration_1-error")).to_have_text("Required.")
    await page.locator("#step-script").get_by_label("Scene 2").fill("Steam rises slowly.")
    await page.locator("#step-script").get_by_label("Title", exact=True).fill("All about tea")
    await page.locator("#step-script").get_by_role("button", name="Save").first.click()
    await expect(page.locator("#step-script .step-title")).to_have_text("All about tea")
    await expect(page.locator("#step-script .scene-list li").nth(1)).to_have_text(
        "Steam rises slowly."
    )
    await expect(page.locator("#step-script .scene-list li").first).to_have_text(
        "Tea <b>leaves</b> unfurl in hot water."
    )


async def test_create_from_a_template_and_a_missing_idea_is_flagged(page: Page) -> None:
    await page.goto("/workflows")
    await page.get_by_role("button", name="Create, then go step by step").click()
    await expect(page.locator("#idea-error")).to_have_text("Write an idea, or choose a template.")
    await expect(page.locator("[data-form-error]")).to_have_count(0)
    await page.get_by_label("Template").select_option("product_ad")
    await page.get_by_role("button", name="Create, then go step by step").click()
    await expect(page).to_have_url(re.compile(r"/workflows/[0-9a-f-]{36}$"))
    await expect(page.locator("#workflow-stepper")).to_have_attribute("data-status", "draft")
    await expect(page.get_by_role("button", name="Run all steps")).to_be_visible()
    await page.get_by_role("navigation", name="breadcrumb").get_by_role("link").click()
    await expect(page.locator(".workflow-list li")).to_have_count(1)
