"""The dashboard: counts, recent tasks, a running task's live progress, accessibility."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.async_api import Page, expect

from creative_hub.tasks.registry import HandlerRegistry
from tests.support.tasks import Script, create_task, install_scripted_handler
from tests.web.conftest import NewPage, Screenshot, sign_up

AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def script(handlers: HandlerRegistry) -> Script:
    """A speech handler the test holds and releases (installed before the app starts)."""
    held = Script()
    install_scripted_handler(handlers, held)
    return held


async def test_a_running_task_shows_live_progress_then_lands_in_recent(
    script: Script, page: Page, app: FastAPI, screenshot: Screenshot
) -> None:
    user_id = page.user["user"]["id"]  # type: ignore[attr-defined]
    await create_task(app, user_id, {"prompt": "done before", "steps": 1})
    await page.reload()
    await expect(page.locator("[data-recent]")).to_contain_text("done before")

    task_id = await create_task(
        app,
        user_id,
        {"prompt": "the long one", "steps": 4, "sleep": 0.2, "block_before_steps": True},
    )
    await page.reload()
    bar = page.locator(f'[data-task-events="/api/tasks/{task_id}/events"]')
    await expect(bar).to_be_visible()
    await expect(bar.locator("[data-task-status]")).to_have_text("Running")
    await expect(page.locator("[data-stats]")).to_contain_text("2")
    await screenshot(page, "dashboard")

    await expect(bar).to_have_attribute("data-live", "")  # following the task's events
    script.gate.set()  # the job reports progress over SSE, step by step, then finishes
    await expect(bar.locator("[data-task-message]")).to_contain_text("step")
    # When it ends the activity section refreshes: nothing running, the task in recent.
    await expect(page.locator("[data-empty=running]")).to_be_visible()
    await expect(page.locator("[data-recent]")).to_contain_text("the long one")
    await expect(page.locator("[data-recent] tr", has_text="the long one")).to_contain_text("Done")
    assert page.console_errors == []  # type: ignore[attr-defined]


async def test_the_dashboard_lists_providers_and_usage(page: Page) -> None:
    await expect(page.get_by_role("heading", name="Providers")).to_be_visible()
    providers = page.locator("[data-providers]")
    await expect(providers.locator("tbody tr").first).to_be_visible()
    await expect(page.locator("[data-usage=tokens]")).to_have_text("0")
    await expect(page.locator("[data-empty=recent]")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", "/account", "/admin", "/sign-in"])
async def test_no_serious_accessibility_violations(
    new_page: NewPage, path: str, scheme: str
) -> None:
    """axe-core (npm) on the dashboard and the other shell pages, in both themes."""
    page = await new_page(color_scheme=scheme)
    if path != "/sign-in":
        await sign_up(page)
    await page.goto(path)
    # evaluate() is not subject to the page's CSP (an injected <script> would be).
    await page.evaluate(AXE.read_text())
    result = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
