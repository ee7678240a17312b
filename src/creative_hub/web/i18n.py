"""English and Simplified Chinese: .po catalogues read at start-up (no compiled .mo files)."""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCALE_COOKIE = "ch_locale"
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class Language:
    code: str  # the cookie value and catalogue folder
    html_lang: str  # what <html lang> declares
    label: str  # its own name, shown in the switcher


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en", "English"),
    "zh": Language("zh", "zh-CN", "简体中文"),
}


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue for locale, compiled in memory once per process."""
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if locale == DEFAULT_LOCALE or not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_all() -> None:
    """Read every catalogue now, so a broken .po fails the start, not a page view."""
    for code in LANGUAGES:
        translations(code)


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The remembered choice, else the best match in Accept-Language, else English."""
    if cookie in LANGUAGES:
        return cookie
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            break
        primary = tag.split("-")[0]
        # zh-TW / zh-Hant readers still read Simplified better than English, so any zh.
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LOCALE


# The locale of the page being rendered: the Jinja gettext callables read it.
current_locale: ContextVar[str] = ContextVar("current_locale", default=DEFAULT_LOCALE)


def gettext_(message: str) -> str:
    return translations(current_locale.get()).gettext(message)


def ngettext_(singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).ngettext(singular, plural, n)


def pgettext_(context: str, message: str) -> str:
    return translations(current_locale.get()).pgettext(context, message)


def npgettext_(context: str, singular: str, plural: str, n: int) -> str:
    return translations(current_locale.get()).npgettext(context, singular, plural, n)


def translate(locale: str, message: str) -> str:
    """For Python code (flash messages, form errors): message in locale."""
    return translations(locale).gettext(message)
