"""Font files from installed packages, and which characters each one really draws.

FreeType draws a missing character as the font's .notdef glyph (a box, or nothing),
so a character is "covered" when its rendering differs from that of a code point no
font has (U+10FFFD, private use). The caption is then typeset in runs: each character
in the first font that covers it (Latin font first, then the CJK font).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FreeTypeFont = ImageFont.FreeTypeFont

LATIN_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian fonts-dejavu-core
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)
LATIN_BOLD_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
)
CJK_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
CJK_PACKAGE_HINT = "install the Debian package fonts-wqy-microhei (or set CREATIVE_HUB_FONT_PATH)"

_MISSING = "\U0010fffd"
_PROBE_SIZE = 24
_CJK_PROBE = "中文夜海"


_probe_lock = threading.Lock()


@lru_cache(maxsize=16)
def _probe_font(path: str) -> FreeTypeFont:
    return ImageFont.truetype(path, _PROBE_SIZE)


@lru_cache(maxsize=8192)
def _mask_signature(path: str, char: str) -> tuple[tuple[int, int], bytes]:
    with _probe_lock:  # one shared FreeType face: one thread at a time
        mask = _probe_font(path).getmask(char)
        return mask.size, bytes(mask)


def covers(path: str, char: str) -> bool:
    """True if the font at `path` has a real glyph for `char`."""
    if char.isspace():
        return True
    return _mask_signature(path, char) != _mask_signature(path, _MISSING)


def _loads(path: str) -> bool:
    try:
        _probe_font(path)
    except OSError:
        return False
    return True


def _first(candidates: tuple[str, ...], probe: str) -> str | None:
    for path in candidates:
        if Path(path).is_file() and _loads(path) and all(covers(path, c) for c in probe):
            return path
    return None


@dataclass(frozen=True)
class FontFiles:
    """The font files chosen for a renderer; `cjk` is None when no CJK font exists."""

    latin: str | None
    latin_bold: str | None
    cjk: str | None
    configured_problem: str | None = None  # settings.font_path given but unusable

    @property
    def any_font(self) -> bool:
        return bool(self.latin or self.cjk)

    @property
    def cjk_available(self) -> bool:
        return self.cjk is not None


@lru_cache(maxsize=8)
def find_fonts(font_path: str = "") -> FontFiles:
    """The configured font (if it draws CJK) or the first installed candidate."""
    problem: str | None = None
    cjk: str | None = None
    if font_path:
        if not Path(font_path).is_file() or not _loads(font_path):
            problem = f"font_path {font_path!r} is not a readable font file"
        elif not all(covers(font_path, c) for c in _CJK_PROBE):
            problem = f"font_path {font_path!r} has no Chinese glyphs"
        else:
            cjk = font_path
    if cjk is None:
        cjk = _first(CJK_CANDIDATES, _CJK_PROBE)
    latin = _first(LATIN_CANDIDATES, "Aa·…")
    latin_bold = _first(LATIN_BOLD_CANDIDATES, "Aa·…") or latin
    return FontFiles(latin=latin, latin_bold=latin_bold, cjk=cjk, configured_problem=problem)


class FontSet:
    """Sized fonts for one renderer; FreeType faces are not shared between threads."""

    def __init__(self, files: FontFiles) -> None:
        if not files.any_font:
            raise OSError("no usable font file found; install fonts-dejavu-core")
        self.files = files
        self._local = threading.local()

    def _cache(self) -> dict[tuple[str, int], FreeTypeFont]:
        cache: dict[tuple[str, int], FreeTypeFont] | None = getattr(self._local, "fonts", None)
        if cache is None:
            cache = {}
            self._local.fonts = cache
        return cache

    def font(self, path: str, size: int) -> FreeTypeFont:
        cache = self._cache()
        key = (path, size)
        if key not in cache:
            cache[key] = ImageFont.truetype(path, size)
        return cache[key]

    def chain(self, bold: bool = False) -> list[str]:
        """Font files in fallback order: Latin first (better Latin glyphs), then CJK."""
        first = self.files.latin_bold if bold else self.files.latin
        return [p for p in (first, self.files.cjk) if p]

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, str]]:
        """Split `text` into (font path, piece) runs, each piece drawn by one font.

        A character no font covers stays with the last font (it shows as a box): the
        caller reports missing glyphs through `missing()`.
        """
        chain = self.chain(bold)
        out: list[tuple[str, str]] = []
        for char in text:
            path = next((p for p in chain if covers(p, char)), chain[-1])
            if out and out[-1][0] == path:
                out[-1] = (path, out[-1][1] + char)
            else:
                out.append((path, char))
        return out

    def missing(self, text: str) -> set[str]:
        chain = self.chain()
        return {c for c in text if not any(covers(p, c) for p in chain)}


def is_cjk(char: str) -> bool:
    """Characters that wrap one by one (no spaces between words)."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, kana, CJK symbols and unified ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF
    )
