"""The History page in a real browser: filters, search, cursor pagination, details,
delete and retry."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from playwright.async_api import Page, expect

from tests.web.conftest import Screenshot

JOB_TIMEOUT = 60_000


async def _api(page: Page, path: str, data: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = page.user  # type: ignore[attr-defined]
    response = await page.request.post(path, data=data, headers={"X-CSRF-Token": user["csrf"]})
    assert response.status == 202, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_filter_search_and_page_through_history(page: Page, screenshot: Screenshot) -> None:
    await _api(
        page,
        "/api/images/generations",
        {"prompt": "a red kite over the dunes", "width": 256, "height": 256},
    )
    for n in range(20):
        await _api(
            page, "/api/images/generations", {"prompt": f"kite {n}", "width": 256, "height": 256}
        )
    await _api(page, "/api/audio/sound-effects", {"prompt": "rain on a window", "duration": 1})
    await page.goto("/history")
    cards = page.locator("#history-rows .task-card")
    await expect(cards).to_have_count(20)
    await page.get_by_role("button", name="Load more").click()
    await expect(cards).to_have_count(22)
    await expect(page.get_by_role("button", name="Load more")).to_have_count(0)

    await page.get_by_label("Type").select_option("sound_effect")
    await expect(cards).to_have_count(1)
    await expect(page).to_have_url(re.compile(r"type=sound_effect"))
    await expect(cards.first.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    await expect(cards.first.locator("audio")).to_have_attribute("src", re.compile("^/api/assets/"))

    await page.get_by_label("Type").select_option("")
    await page.get_by_label("Search prompts").fill("dunes")
    await expect(cards).to_have_count(1)
    await expect(cards.first.locator(".task-prompt")).to_have_text("a red kite over the dunes")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    await page.get_by_label("To", exact=True).fill(yesterday)
    await page.get_by_label("To", exact=True).dispatch_event("change")
    await expect(page.get_by_text("No task matches these filters.")).to_be_visible()

    # A filtered address is a page of its own: reloading keeps the filters.
    await page.goto("/history?type=image_generation&status=succeeded&q=kite")
    await expect(page.get_by_label("Status")).to_have_value("succeeded")
    await expect(cards).to_have_count(20, timeout=JOB_TIMEOUT)
    await screenshot(page, "history")
    assert page.console_errors == []  # type: ignore[attr-defined]


async def test_details_retry_and_delete(page: Page) -> None:
    task = await _api(page, "/api/audio/sound-effects", {"prompt": "door knock", "duration": 1})
    await page.goto(f"/history/{task['id']}")
    await expect(page.get_by_text("Succeeded")).to_be_visible(timeout=JOB_TIMEOUT)
    await page.get_by_text("Input", exact=True).click()
    await expect(page.locator(".task-facts pre").first).to_contain_text('"door knock"')
    # A finished task cannot be retried: the page offers Retry only for failed/cancelled.
    await expect(page.get_by_role("button", name="Retry")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Delete").click()
    await expect(page).to_have_url("/history")
    await expect(page.get_by_text("Nothing here yet.")).to_be_visible()


async def test_a_failed_task_shows_its_error_and_can_be_retried(page: Page) -> None:
    # A file that looks like WAV but holds noise: accepted, then it fails to decode.
    user: dict[str, Any] = page.user  # type: ignore[attr-defined]
    broken = b"RIFF" + (1000).to_bytes(4, "little") + b"WAVEfmt " + bytes(range(256)) * 4
    upload = await page.request.post(
        "/api/assets",
        multipart={"file": {"name": "broken.wav", "mimeType": "audio/wav", "buffer": broken}},
        headers={"X-CSRF-Token": user["csrf"]},
    )
    assert upload.status == 201, await upload.text()
    asset = await upload.json()
    task = await _api(page, "/api/audio/transcriptions", {"asset_id": asset["id"]})
    await page.goto("/history")
    card = page.locator(f"#task-{task['id']}")
    status = card.locator("[data-task-status]")
    await expect(status).to_have_text("Failed", timeout=JOB_TIMEOUT)
    await expect(card.locator(".task-error")).not_to_be_empty()
    async with page.expect_response(re.compile(r"/retry$")):
        await card.get_by_role("button", name="Retry").click()
    # It ran again and failed again: its details (followed live) count two attempts.
    await page.goto(f"/history/{task['id']}")
    await expect(page.locator("[data-task-status]")).to_have_text("Failed", timeout=JOB_TIMEOUT)
    await page.reload()
    await expect(page.locator("dt:has-text('Attempts') + dd")).to_have_text("2")
