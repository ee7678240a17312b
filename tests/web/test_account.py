"""Sign-up, sign-in, sign-out and account settings, as a user does them in the browser."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.web.conftest import PASSWORD, NewPage, Screenshot, sign_up


async def test_sign_up_with_the_form_lands_on_the_dashboard(
    anon_page: Page, screenshot: Screenshot
) -> None:
    await anon_page.goto("/sign-up")
    await screenshot(anon_page, "sign-up")
    await anon_page.get_by_label("Email").fill("newcomer@example.com")
    await anon_page.get_by_label("Username").fill("newcomer")
    await anon_page.get_by_label("Password", exact=True).fill("a-good-password")
    await anon_page.get_by_label("Password again").fill("a-good-password")
    await anon_page.get_by_role("button", name="Create account").click()
    await expect(anon_page).to_have_url("/")
    await expect(anon_page.get_by_text("Hello, newcomer.")).to_be_visible()
    await expect(anon_page.get_by_role("navigation", name="Main")).to_be_visible()


async def test_sign_up_errors_show_next_to_their_fields(anon_page: Page) -> None:
    await sign_up(anon_page, "taken")  # registers (and signs in) a first account
    await anon_page.context.clear_cookies()
    await anon_page.goto("/sign-up")
    await anon_page.get_by_label("Email").fill("not-an-email")
    await anon_page.get_by_label("Username").fill("taken")
    await anon_page.get_by_label("Password", exact=True).fill("short")
    await anon_page.get_by_label("Password again").fill("short")
    await anon_page.get_by_role("button", name="Create account").click()
    await expect(anon_page.locator("[data-field-error=email]")).to_have_text(
        "Enter a valid email address."
    )
    await expect(anon_page.locator("[data-field-error=password]")).to_have_text(
        "Use at least 8 characters."
    )
    await expect(anon_page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    # What was typed stays (but never the password).
    await expect(anon_page.get_by_label("Username")).to_have_value("taken")
    await expect(anon_page.get_by_label("Password", exact=True)).to_have_value("")


async def test_sign_in_and_sign_out(anon_page: Page, screenshot: Screenshot) -> None:
    account = await sign_up(anon_page)
    await anon_page.context.clear_cookies()
    await anon_page.goto("/sign-in")
    await expect(anon_page.locator("[data-form-error]")).to_have_count(0)
    await screenshot(anon_page, "sign-in")
    await anon_page.get_by_label("Username or email").fill(account["name"])
    await anon_page.get_by_label("Password").fill(PASSWORD)
    await anon_page.get_by_role("button", name="Sign in").click()
    await expect(anon_page.get_by_text(f"Hello, {account['name']}.")).to_be_visible()

    await anon_page.locator(".user-menu summary").click()
    await anon_page.get_by_role("button", name="Sign out").click()
    await expect(anon_page).to_have_url("/sign-in")
    await anon_page.goto("/account")
    await expect(anon_page).to_have_url("/sign-in?next=/account")


async def test_a_wrong_password_shows_an_error_under_the_field(anon_page: Page) -> None:
    account = await sign_up(anon_page)
    await anon_page.context.clear_cookies()
    await anon_page.goto("/sign-in?next=/account")
    await anon_page.get_by_label("Username or email").fill(account["name"])
    await anon_page.get_by_label("Password").fill("not-the-password")
    await anon_page.get_by_role("button", name="Sign in").click()
    error = anon_page.locator("[data-field-error=password]")
    await expect(error).to_have_text("Wrong username or password.")
    await expect(anon_page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    await expect(anon_page.get_by_label("Username or email")).to_have_value(account["name"])
    # Then the right one goes where the visitor was heading.
    await anon_page.get_by_label("Password").fill(PASSWORD)
    await anon_page.get_by_role("button", name="Sign in").click()
    await expect(anon_page).to_have_url("/account")


async def test_change_password(page: Page) -> None:
    await page.goto("/account")
    await page.get_by_label("Current password").fill("wrong-current")
    await page.get_by_label("New password", exact=True).fill("brand-new-pass")
    await page.get_by_label("New password again").fill("brand-new-pass")
    await page.get_by_role("button", name="Change password").click()
    await expect(page.locator("[data-field-error=current_password]")).to_contain_text(
        "current password is wrong"
    )
    await page.get_by_label("Current password").fill(PASSWORD)
    await page.get_by_label("New password", exact=True).fill("brand-new-pass")
    await page.get_by_label("New password again").fill("brand-new-pass")
    await page.get_by_role("button", name="Change password").click()
    await expect(page.locator("#toasts")).to_contain_text("Password changed.")
    # This browser stays signed in; the new password works for the next sign-in.
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    login = await page.request.post(
        "/api/auth/login",
        data={"username": page.user["name"], "password": "brand-new-pass"},  # type: ignore[attr-defined]
    )
    assert login.status == 200


async def test_api_key_is_shown_once_listed_and_revoked(page: Page, screenshot: Screenshot) -> None:
    await page.goto("/account")
    await page.get_by_label("Key name").fill("<script>alert(1)</script> nightly")
    await page.get_by_role("button", name="Create key").click()
    secret = page.locator("[data-secret]")
    await expect(secret).to_have_text(re.compile(r"^\s*chk_\S{20,}\s*$"))
    key = (await secret.inner_text()).strip()
    # The user-provided name shows as text, never runs.
    row_name = page.locator("[data-key-name]")
    await expect(row_name).to_have_text("<script>alert(1)</script> nightly")
    assert await page.locator("#api-keys script").count() == 0
    await screenshot(page, "account")

    me = await page.request.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status == 200
    await page.reload()
    await expect(page.locator("[data-secret]")).to_have_count(0)  # shown only once
    await expect(row_name).to_have_text("<script>alert(1)</script> nightly")

    page.once("dialog", lambda dialog: dialog.accept())
    await page.get_by_role("button", name="Revoke").click()
    await expect(page.locator("[data-empty=keys]")).to_be_visible()
    await expect(page.locator("#toasts")).to_contain_text("API key revoked.")
    me = await page.request.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status == 401
    assert page.console_errors == []  # type: ignore[attr-defined]


async def test_an_empty_key_name_is_an_error_in_place(page: Page) -> None:
    await page.goto("/account")
    await page.get_by_role("button", name="Create key").click()
    await expect(page.locator("[data-field-error=name]")).to_have_text("This field is required.")
    await expect(page.locator("[data-api-keys]")).to_have_count(0)


async def test_requests_without_the_csrf_token_are_refused(new_page: NewPage) -> None:
    page = await new_page()
    await sign_up(page)
    # The session cookie alone is not enough: a form post and an API call without the token.
    form = await page.request.post("/account/api-keys", form={"name": "forged"})
    assert form.status == 403
    assert "did not come from this site" in await form.text()
    api = await page.request.post("/api/auth/api-keys", data={"name": "forged"})
    assert api.status == 403
    wrong = await page.request.post(
        "/account/api-keys", form={"name": "forged", "csrf_token": "0" * 64}
    )
    assert wrong.status == 403
    await page.goto("/account")
    await expect(page.locator("[data-empty=keys]")).to_be_visible()
    # Signed out, the sign-in form is protected too.
    await page.context.clear_cookies()
    forged = await page.request.post("/sign-in", form={"username": "x", "password": "y"})
    assert forged.status == 403


async def test_a_double_click_creates_one_key(page: Page) -> None:
    await page.goto("/account")
    await page.get_by_label("Key name").fill("once")
    await page.get_by_role("button", name="Create key").dblclick()
    await expect(page.locator("[data-secret]")).to_be_visible()
    await expect(page.locator("[data-key-name]")).to_have_count(1)
    await page.reload()
    await expect(page.locator("[data-key-name]")).to_have_count(1)


async def test_a_disabled_account_is_told_so_on_sign_in(new_page: NewPage) -> None:
    admin_page = await new_page()
    admin = await sign_up(admin_page)
    page = await new_page()
    alice = await sign_up(page, "disabled_alice")
    patched = await admin_page.request.patch(
        f"/api/admin/users/{alice['user']['id']}",
        data={"is_active": False},
        headers={"X-CSRF-Token": admin["csrf"]},
    )
    assert patched.status == 200
    await page.context.clear_cookies()
    await page.goto("/sign-in")
    await page.get_by_label("Username or email").fill("disabled_alice")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("[data-form-error]")).to_have_text(
        "This account is disabled; ask an administrator."
    )


async def test_a_network_failure_shows_a_message_in_place_and_a_toast(page: Page) -> None:
    await page.goto("/account")
    await page.route("**/account/api-keys", lambda route: route.abort())
    await page.get_by_label("Key name").fill("offline")
    await page.get_by_role("button", name="Create key").click()
    await expect(page.locator("#api-keys [data-inline-error]")).to_have_text(
        "Could not reach the server. Check your connection and try again."
    )
    await expect(page.locator("#toasts [data-toast]")).to_contain_text("Could not reach the server")
    # The form stays, ready to be sent again once the network is back.
    await page.unroute("**/account/api-keys")
    await page.locator("#toasts").get_by_role("button", name="Close").click()
    await expect(page.locator("#toasts [data-toast]")).to_have_count(0)
    await expect(page.get_by_label("Key name")).to_have_value("offline")
    await page.get_by_role("button", name="Create key").click()
    await expect(page.locator("[data-key-name]")).to_have_text("offline")
    await expect(page.locator("#api-keys [data-inline-error]")).to_have_count(0)
