"""The admin page: superusers manage accounts; everyone else gets the 404 page."""

from __future__ import annotations

import time

from playwright.async_api import Page, expect

from tests.web.conftest import NewPage, Screenshot, sign_up


async def test_an_administrator_disables_and_promotes_accounts(
    page: Page, new_page: NewPage, screenshot: Screenshot
) -> None:
    other = await new_page()
    alice = await sign_up(other, "alice")
    await page.goto("/")
    await page.locator(".user-menu summary").click()
    await page.get_by_role("link", name="Administration").click()
    await expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    await expect(page.get_by_text("2 accounts")).to_be_visible()
    row = page.locator("tr[data-user=alice]")
    await expect(row).to_contain_text("alice@example.com")
    await screenshot(page, "admin")

    await row.get_by_role("button", name="Disable").click()
    await expect(row.locator(".badge")).to_have_text("Disabled")
    await expect(page.locator("#toasts")).to_contain_text("Saved: alice")
    # Alice's browser is signed out at once.
    await other.goto("/")
    await expect(other).to_have_url("/sign-in?next=/")

    await row.get_by_role("button", name="Enable").click()
    await expect(row.locator(".badge")).to_have_text("Active")
    await row.get_by_role("button", name="Make admin").click()
    await expect(row).to_contain_text("Administrator")
    assert alice["name"] == "alice"

    # Search.
    await page.get_by_label("Search users").fill("ali")
    await page.get_by_role("button", name="Search").click()
    await expect(page.locator("tr[data-user]")).to_have_count(1)


async def test_an_administrator_cannot_lock_themselves_out(page: Page) -> None:
    await page.goto("/admin")
    mine = page.locator(f"tr[data-user={page.user['name']}]")  # type: ignore[attr-defined]
    await mine.get_by_role("button", name="Disable").click()
    # A friendly message in place and a toast with details; the row is still there.
    await expect(page.locator("[data-inline-error]")).to_contain_text(
        "You cannot disable your own account"
    )
    toast = page.locator("#toasts [data-toast]")
    await expect(toast).to_contain_text("You cannot disable your own account")
    await toast.get_by_text("Details").click()
    await expect(toast.locator("pre")).to_contain_text("cannot_change_self")
    await expect(mine.locator(".badge")).to_have_text("Active")
    await expect(mine.get_by_role("button", name="Disable")).to_be_enabled()


async def test_the_admin_page_is_a_404_for_everyone_else(new_page: NewPage) -> None:
    first = await new_page()
    admin = await sign_up(first)  # the first account: the administrator
    page = await new_page()
    someone = await sign_up(page)
    await page.goto("/")
    await page.locator(".user-menu summary").click()
    await expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    response = await page.goto("/admin")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    # Posting the admin form directly (with a valid CSRF token) is a 404 too.
    forged = await page.request.post(
        f"/admin/users/{someone['user']['id']}",
        form={"is_superuser": "true", "csrf_token": someone["csrf"]},
    )
    assert forged.status == 404
    assert admin["user"]["is_superuser"] and not someone["user"]["is_superuser"]


async def test_an_answer_faster_than_the_busy_spinner_leaves_the_button_usable(
    page: Page,
) -> None:
    # A form shows its busy state one timer tick after submitting (so the submitter's
    # name=value is still sent). A busy browser can run that tick after the answer is
    # in: the button must not stay disabled then. The page's timers wait here until the
    # answer has been handled.
    await page.goto("/admin")
    await page.clock.install()
    await page.clock.pause_at(time.time() + 60)  # the page's timers now wait for us
    mine = page.locator(f"tr[data-user={page.user['name']}]")  # type: ignore[attr-defined]
    await mine.get_by_role("button", name="Disable").click()
    await expect(page.locator("[data-inline-error]")).to_contain_text(
        "You cannot disable your own account"
    )
    await page.clock.run_for(1000)
    button = mine.get_by_role("button", name="Disable")
    await expect(button).to_be_enabled()
    await expect(button).not_to_have_attribute("aria-busy", "true")
