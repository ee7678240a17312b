"""Theme and language: switchable, remembered, and the theme never flashes."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.web.conftest import NewPage, Screenshot, sign_up

BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor"


def _is_dark(rgb: str) -> bool:
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return (r + g + b) / 3 < 100


async def test_theme_follows_the_system_until_chosen_then_is_remembered(
    new_page: NewPage,
) -> None:
    page = await new_page(color_scheme="dark")
    await sign_up(page)
    await page.goto("/")
    # No choice yet: the system's dark preference applies, with no data-theme forced.
    assert _is_dark(await page.evaluate(BACKGROUND))
    await expect(page.locator("html")).not_to_have_attribute("data-theme", "light")
    await expect(page.get_by_role("button", name="System")).to_have_attribute(
        "aria-pressed", "true"
    )

    await page.get_by_role("button", name="Light").click()
    await expect(page.locator("html")).to_have_attribute("data-theme", "light")
    await expect(page.get_by_role("button", name="Light")).to_have_attribute("aria-pressed", "true")
    assert not _is_dark(await page.evaluate(BACKGROUND))

    # Remembered: the server renders data-theme on <html>, so the first paint is right.
    response = await page.reload()
    assert response is not None
    assert 'data-theme="light"' in (await response.text())[:400]
    assert not _is_dark(await page.evaluate(BACKGROUND))

    await page.get_by_role("button", name="Dark").click()
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await page.goto("/account")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert _is_dark(await page.evaluate(BACKGROUND))
    assert page.console_errors == []  # type: ignore[attr-defined]


async def test_chinese_from_accept_language(new_page: NewPage) -> None:
    page = await new_page(locale="zh-CN")
    await page.goto("/sign-in")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.get_by_role("heading", name="登录")).to_be_visible()
    await expect(page.get_by_label("用户名或邮箱")).to_be_visible()


async def test_switching_language_translates_the_pages_and_is_remembered(
    page: Page, screenshot: Screenshot
) -> None:
    await page.get_by_role("button", name="简体中文").click()
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    nav = page.get_by_role("navigation", name="主导航")
    for label in ("仪表盘", "对话", "提示词专家", "图像", "视频", "音频", "历史记录", "工作流"):
        await expect(nav.get_by_role("link", name=label)).to_be_visible()
    await expect(page.get_by_role("heading", name="本月用量")).to_be_visible()
    await expect(page).to_have_title("仪表盘 · Creative Hub")
    await screenshot(page, "dashboard-zh")

    await page.goto("/account")
    await expect(page.get_by_role("heading", name="账户设置")).to_be_visible()
    await page.goto("/nowhere")
    await expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()

    await page.goto("/account")
    await page.get_by_role("button", name="English").click()
    await expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")


async def test_field_errors_are_translated(new_page: NewPage) -> None:
    page = await new_page(locale="zh-CN")
    await page.goto("/sign-in")
    await page.get_by_label("用户名或邮箱").fill("nobody")
    await page.get_by_label("密码").fill("whatever-pass")
    await page.get_by_role("button", name="登录").click()
    await expect(page.locator("[data-field-error=password]")).to_have_text("用户名或密码错误。")
