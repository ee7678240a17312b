"""Browser tests: the app on a free port (tests/conftest.py's live_server), Debian chromium
driven by Playwright (async, so the server keeps serving while a test waits).

Fixtures: `browser` (one per run), `new_page(**context_options)` (a fresh context and
page), `anon_page` (signed out), `page` (a freshly signed-up user, on the dashboard),
`screenshot(page, name)` (light and dark PNGs into test-artifacts/screenshots/).
Helpers: `sign_up(page, name=None)` registers and signs the page's context in.

Browser tests run on SQLite only: the pages use the same services the API tests
already run on both databases.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.support import databases

CHROMIUM = os.environ.get("CREATIVE_HUB_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "s3cret-pass"
_names = itertools.count(1)

NewPage = Callable[..., Awaitable[Page]]
Screenshot = Callable[[Page, str], Awaitable[list[Path]]]


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """SQLite only for browser tests (overrides the two-backend fixture of tests/conftest.py)."""
    url = databases.sqlite_url(tmp_path_factory.mktemp("web-sqlite"))
    await databases.upgrade(url)
    yield url


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
async def new_page(browser: Browser, live_server: str) -> AsyncIterator[NewPage]:
    """`await new_page(viewport={...}, locale="zh-CN", ...)`: a page in a fresh context.

    Each page collects console errors in `page.console_errors` (CSP refusals land there).
    """
    contexts: list[BrowserContext] = []

    async def make(**options: Any) -> Page:
        options.setdefault("base_url", live_server)
        options.setdefault("viewport", {"width": 1280, "height": 800})
        context = await browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = await context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.console_errors = errors  # type: ignore[attr-defined]
        return page

    yield make
    for context in contexts:
        await context.close()


async def sign_up(page: Page, name: str | None = None, password: str = PASSWORD) -> dict[str, Any]:
    """Register through the API and sign the page's browser in (session cookie).

    The first account of a test becomes the administrator, as in the product.
    """
    name = name or f"webuser{next(_names)}"
    registered = await page.request.post(
        "/api/auth/register",
        data={"email": f"{name}@example.com", "username": name, "password": password},
    )
    assert registered.status == 201, await registered.text()
    session = await page.request.post(
        "/api/auth/session", data={"username": name, "password": password}
    )
    assert session.status == 200, await session.text()
    body = await session.json()
    return {"name": name, "password": password, "user": body["user"], "csrf": body["csrf_token"]}


@pytest.fixture
async def anon_page(new_page: NewPage) -> Page:
    return await new_page()


@pytest.fixture
async def page(new_page: NewPage) -> Page:
    """A signed-in user (the test's first account: an administrator) on the dashboard."""
    created = await new_page()
    created.user = await sign_up(created)  # type: ignore[attr-defined]
    await created.goto("/")
    return created


@pytest.fixture(scope="session")
def screenshots_dir(pytestconfig: pytest.Config) -> Path:
    folder = pytestconfig.rootpath / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def screenshot(screenshots_dir: Path) -> Screenshot:
    """`await screenshot(page, "dashboard")`: dashboard-light.png and dashboard-dark.png.

    Forces each scheme for the shot (drops a remembered theme), then puts the page back.
    """

    async def take(page: Page, name: str) -> list[Path]:
        saved = []
        remembered = await page.evaluate("document.documentElement.getAttribute('data-theme')")
        await page.evaluate("window.scrollTo(0, 0)")  # the sticky sidebar sits at the top
        for scheme in ("light", "dark"):
            await page.emulate_media(color_scheme=scheme)
            await page.evaluate(
                "s => document.documentElement.setAttribute('data-theme', s)", scheme
            )
            path = screenshots_dir / f"{name}-{scheme}.png"
            await page.screenshot(path=str(path), full_page=True, animations="disabled")
            saved.append(path)
        await page.emulate_media(color_scheme=None)
        if remembered:
            await page.evaluate(
                "s => document.documentElement.setAttribute('data-theme', s)", remembered
            )
        else:
            await page.evaluate("document.documentElement.removeAttribute('data-theme')")
        return saved

    return take
