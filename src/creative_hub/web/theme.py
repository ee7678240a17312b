"""Light, dark or the system's choice, remembered in a cookie and set server-side (no flash)."""

from __future__ import annotations

THEME_COOKIE = "ch_theme"
THEMES = ("system", "light", "dark")


def theme_of(cookie: str | None) -> str:
    return cookie if cookie in THEMES else "system"
