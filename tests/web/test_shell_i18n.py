"""Every string the pages mark for translation has a Simplified Chinese entry."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from creative_hub.web import i18n

SRC = Path(i18n.__file__).parents[1]
PO = i18n.TRANSLATIONS_DIR / "zh" / "LC_MESSAGES" / "messages.po"
METHOD_MAP = [
    ("web/templates/**.html", "jinja2"),
    ("*/pages.py", "python"),
    ("web/*.py", "python"),
]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def _marked() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(SRC), METHOD_MAP, OPTIONS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_the_catalogue_reads_and_has_no_empty_or_fuzzy_entries() -> None:
    with PO.open("rb") as po:
        catalog = read_po(po, locale="zh")
    bad = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert bad == []


def test_every_marked_string_has_a_chinese_translation() -> None:
    with PO.open("rb") as po:
        catalog = read_po(po, locale="zh")
    missing = {msgid: where for msgid, where in _marked().items() if msgid not in catalog}
    listing = "\n".join(f"  {where}: {msgid!r}" for msgid, where in sorted(missing.items()))
    assert not missing, f"append these to {PO.name}:\n{listing}"


def test_accept_language_and_cookie_pick_the_locale() -> None:
    assert i18n.negotiate(None, "zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert i18n.negotiate(None, "fr-FR,fr;q=0.9,en;q=0.5,zh;q=0.4") == "en"
    assert i18n.negotiate(None, "de, zh-TW;q=0.3") == "zh"
    assert i18n.negotiate(None, None) == "en"
    assert i18n.negotiate("en", "zh-CN") == "en"
    assert i18n.negotiate("xx", "zh-CN") == "zh"
    assert i18n.translate("zh", "Dashboard") == "仪表盘"
