"""The font libass draws burned-in subtitles with: settings.font_path, else an installed
CJK font (so Chinese renders), else DejaVu."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from creative_hub.providers.base import ProviderError

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # no CJK glyphs: the last resort
)


@dataclass(frozen=True)
class SubtitleFont:
    path: Path
    family: str


@lru_cache(maxsize=8)
def subtitle_font(configured: str = "") -> SubtitleFont:
    if configured:
        font = _load(Path(configured))
        if font is None:
            raise ProviderError(
                "font_missing",
                f"font_path {configured!r} is not a readable font; fix CREATIVE_HUB_FONT_PATH.",
            )
        return font
    for candidate in CANDIDATES:
        font = _load(Path(candidate))
        if font is not None:
            return font
    raise ProviderError(
        "font_missing",
        "No font for subtitles: install fonts-wqy-microhei or set CREATIVE_HUB_FONT_PATH.",
    )


def _load(path: Path) -> SubtitleFont | None:
    if not path.is_file():
        return None
    try:
        family = ImageFont.truetype(str(path), 12).getname()[0] or ""
    except OSError:
        return None
    # The name goes inside force_style='...': keep it free of the graph's separators.
    family = re.sub(r"[,'\"\\:;\[\]=]", "", family).strip()
    return SubtitleFont(path, family) if family else None
