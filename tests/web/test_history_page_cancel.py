"""History in a real browser: cancelling a queued task and a running one, then retrying.

One job at a time here (queue_concurrency=1), so a second task waits in the queue while
a long speech task runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.async_api import Page, expect

from creative_hub.settings import Settings
from tests.support import databases

JOB_TIMEOUT = 90_000
LONG_TEXT = " ".join(f"This is sentence number {n} of a very long reading." for n in range(60))


@pytest.fixture
async def settings(database_url: str, make_settings: Callable[..., Settings]) -> Settings:
    await databases.empty_tables(database_url)
    return make_settings(database_url, queue_concurrency=1)


async def _api(page: Page, path: str, data: dict[str, Any]) -> dict[str, Any]:
    user: dict[str, Any] = page.user  # type: ignore[attr-defined]
    response = await page.request.post(path, data=data, headers={"X-CSRF-Token": user["csrf"]})
    assert response.status == 202, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_cancel_a_queued_and_a_running_task_then_retry(page: Page) -> None:
    long = await _api(page, "/api/audio/speech", {"text": LONG_TEXT})
    waiting = await _api(page, "/api/audio/sound-effects", {"prompt": "door knock", "duration": 1})
    await page.goto("/history")
    running = page.locator(f"#task-{long['id']}")
    queued = page.locator(f"#task-{waiting['id']}")
    await expect(running.locator("[data-task-status]")).to_have_text("Running", timeout=JOB_TIMEOUT)
    await expect(queued.locator("[data-task-status]")).to_have_text("Queued")

    await queued.get_by_role("button", name="Cancel").click()
    await expect(queued.locator("[data-task-status]")).to_have_text("Cancelled")
    await expect(queued.get_by_text("Cancelled before it finished.")).to_be_visible()

    await running.get_by_role("button", name="Cancel").click()
    await expect(running.locator("[data-task-status]")).to_have_text(
        "Cancelled", timeout=JOB_TIMEOUT
    )

    await queued.get_by_role("button", name="Retry").click()
    await expect(queued.locator("[data-task-status]")).to_have_text(
        "Succeeded", timeout=JOB_TIMEOUT
    )
    await expect(queued.locator("audio")).to_be_visible()
