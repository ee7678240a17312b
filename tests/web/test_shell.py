"""The shell in a real browser: layout, sidebar, 404 page, small screens."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import NewPage, Screenshot, sign_up

PAGES = [
    ("Dashboard", "/"), ("Chat", "/chat"), ("Prompt Expert", "/prompts"), ("Image", "/images"),
    ("Video", "/videos"), ("Audio", "/audio"), ("History", "/history"),
    ("Workflows", "/workflows"),
]  # fmt: skip


async def test_sidebar_lists_the_eight_pages_and_marks_the_current_one(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    links = nav.get_by_role("link")
    await expect(links).to_have_count(len(PAGES))
    for label, href in PAGES:
        await expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute(
            "href", href
        )
    await expect(nav.locator("[aria-current=page]")).to_have_accessible_name("Dashboard")
    await expect(page).to_have_title("Dashboard · Creative Hub")
    await expect(page.locator("html")).to_have_attribute("lang", "en")


async def test_a_signed_out_visitor_is_sent_to_sign_in(anon_page: Page) -> None:
    await anon_page.goto("/?from=test")
    await expect(anon_page).to_have_url("/sign-in?next=/%3Ffrom%3Dtest")
    await expect(anon_page.get_by_role("heading", name="Sign in")).to_be_visible()


async def test_unknown_address_shows_a_friendly_404(page: Page, screenshot: Screenshot) -> None:
    response = await page.goto("/no/such/page")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    await expect(page.get_by_text("There is nothing at this address")).to_be_visible()
    await expect(page.get_by_text("Go to the dashboard")).to_have_attribute("href", "/")
    # Still signed in: the sidebar stays, so the way back is one click.
    await expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    await screenshot(page, "404")


async def test_small_screen_hides_the_sidebar_behind_a_menu_button(
    new_page: NewPage, screenshot: Screenshot
) -> None:
    small = await new_page(viewport={"width": 375, "height": 740})
    await sign_up(small)
    await small.goto("/")
    menu = small.get_by_role("button", name="Menu")
    await expect(menu).to_be_visible()
    dashboard_link = small.get_by_role("navigation", name="Main").get_by_role("link", name="Chat")
    await expect(dashboard_link).to_be_hidden()
    await menu.click()
    await expect(dashboard_link).to_be_visible()
    await expect(small.locator("[data-menu-toggle]")).to_have_attribute("aria-expanded", "true")
    await screenshot(small, "mobile-menu")
    await small.keyboard.press("Escape")
    await expect(dashboard_link).to_be_hidden()
