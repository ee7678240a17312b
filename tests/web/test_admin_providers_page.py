"""The admin providers page: a superuser adds, checks, edits, disables and deletes a
provider (a local OpenAI-compatible fake); the key never reaches the page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page, expect

from tests.providers.remote.conftest import StartServer
from tests.providers.remote.conftest import protocol_server as protocol_server
from tests.providers.remote.fake_openai import API_KEY, FakeOpenAI
from tests.support.processes import closed_port
from tests.web.conftest import NewPage, Screenshot, sign_up


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    server = FakeOpenAI()
    yield server
    server.gate.set()
    server.release.set()


async def test_an_administrator_manages_providers(
    page: Page, fake: FakeOpenAI, protocol_server: StartServer, screenshot: Screenshot
) -> None:
    base_url = await protocol_server(fake.app())
    await page.goto("/admin")
    await page.get_by_role("link", name="Providers").click()
    await expect(page.get_by_role("heading", name="Providers", level=1)).to_be_visible()
    await expect(page.locator("[data-no-providers]")).to_be_visible()

    form = page.locator("form[data-add-provider]")
    await form.get_by_label("Kind").select_option("openai_compatible")
    await form.get_by_label("Name", exact=True).fill("Not A Name")
    await form.get_by_label("Base URL").fill(f"{base_url}/v1")
    await form.get_by_label("API key").fill(API_KEY)
    await form.get_by_role("button", name="Add provider").click()
    # 422 swapped in place: the error next to the field, the other values kept.
    await expect(page.locator("[data-field-error=name]")).to_be_visible()
    await expect(form.get_by_label("Base URL")).to_have_value(f"{base_url}/v1")

    await form.get_by_label("Name", exact=True).fill("fake")
    await form.get_by_label("API key").fill(API_KEY)
    await form.get_by_role("button", name="Add provider").click()
    await expect(page.locator("#toasts")).to_contain_text("Provider added: fake")
    row = page.locator("tr[data-provider=fake]")
    await expect(row).to_contain_text("openai_compatible")
    await expect(row).to_contain_text(f"{base_url}/v1")
    await expect(row.locator("[data-status]")).to_have_text("Enabled")
    await expect(row).to_contain_text("Set")
    assert API_KEY not in await page.content()
    assert API_KEY[-4:] not in await page.content()

    await row.get_by_role("button", name="Check connection").click()
    result = row.locator("[data-test-result]")
    await expect(result).to_have_attribute("data-test-result", "ok")
    await expect(result).to_contain_text("Connected")
    await expect(result).to_contain_text("ms")
    errors = [e for e in page.console_errors if "422" not in e]  # type: ignore[attr-defined]
    assert errors == [], errors  # no CSP refusal
    # (the helper's animations="disabled" injects a <style> the CSP refuses: skipped below)
    await screenshot(page, "admin-providers")
    seen = len(page.console_errors)  # type: ignore[attr-defined]

    # Edit: point it at a closed port (the key field left empty keeps the key).
    await row.get_by_role("button", name="Edit").click()
    edit = page.locator("tr[data-edit-provider] form")
    await edit.get_by_label("Base URL").fill(f"http://127.0.0.1:{closed_port()}/v1")
    await edit.get_by_role("button", name="Save").click()
    await expect(page.locator("#toasts")).to_contain_text("Saved: fake")
    await row.get_by_role("button", name="Check connection").click()
    await expect(result).to_have_attribute("data-test-result", "error")
    await expect(result).to_contain_text("Connection failed")
    # ... and back: the fake checks the Bearer key, so the kept key still works.
    await row.get_by_role("button", name="Edit").click()
    await edit.get_by_label("Base URL").fill(f"{base_url}/v1")
    await edit.get_by_role("button", name="Save").click()
    await expect(row).to_contain_text(f"{base_url}/v1")
    await row.get_by_role("button", name="Check connection").click()
    await expect(result).to_have_attribute("data-test-result", "ok")
    assert API_KEY not in await page.content()

    await row.get_by_role("button", name="Disable").click()
    await expect(row.locator("[data-status]")).to_have_text("Disabled")
    await row.get_by_role("button", name="Enable").click()
    await expect(row.locator("[data-status]")).to_have_text("Enabled")

    await row.get_by_role("button", name="Delete").click()
    confirm = page.locator("tr[data-confirm-delete]")
    await expect(confirm).to_contain_text("Delete the provider fake?")
    await confirm.get_by_role("button", name="Yes, delete").click()
    await expect(page.locator("#toasts")).to_contain_text("Deleted: fake")
    await expect(row).to_have_count(0)
    await expect(page.locator("[data-no-providers]")).to_be_visible()
    later = page.console_errors[seen:]  # type: ignore[attr-defined]
    assert [e for e in later if not e.startswith("Applying inline style")] == []


async def test_the_providers_page_is_a_404_for_everyone_else(new_page: NewPage) -> None:
    first = await new_page()
    await sign_up(first)  # the first account: the administrator
    page = await new_page()
    someone = await sign_up(page)
    for path in ("/admin", "/admin/providers"):
        response = await page.goto(path)
        assert response is not None and response.status == 404
    forged = await page.request.post(
        "/admin/providers",
        form={"kind": "openai_compatible", "name": "x", "csrf_token": someone["csrf"]},
    )
    assert forged.status == 404
