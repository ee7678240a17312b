"""The caption: wrapped to the frame (Latin by word, CJK by character), sized to fit,
on a dark panel for contrast; plus the mood tag, the honest badge and the frame line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image

from creative_hub.providers.local.storyboard.fonts import FontSet, is_cjk
from creative_hub.providers.local.storyboard.mood import RGB, Scene
from creative_hub.providers.local.storyboard.paint import blend_draw, mix, rgba

BADGE = "storyboard · not AI-generated"
BADGE_SHORT = "storyboard"
TEXT: RGB = (248, 246, 240)
ELLIPSIS = "…"
# Punctuation that must not start a line: it sticks to the character before it.
_CLOSING = frozenset("，。！？、；：）」』》〉”’,.!?;:)]}%…")


@dataclass(frozen=True)
class CaptionLayout:
    lines: tuple[str, ...]
    size: int  # font size in pixels
    line_height: int
    ascent: int
    widths: tuple[float, ...]
    truncated: bool

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def text_width(fonts: FontSet, text: str, size: int, bold: bool = False) -> float:
    return sum(fonts.font(path, size).getlength(piece) for path, piece in fonts.runs(text, bold))


def tokens(text: str) -> list[str]:
    """Break opportunities: each CJK character alone, Latin words with their trailing space."""
    out: list[str] = []
    word = ""
    for char in text:
        if char in _CLOSING and not word and out:
            out[-1] += char
        elif is_cjk(char):
            if word:
                out.append(word)
                word = ""
            out.append(char)
        elif char == " ":
            out.append(word + char)
            word = ""
        else:
            word += char
    if word:
        out.append(word)
    return out


def wrap(fonts: FontSet, text: str, size: int, max_width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for token in tokens(paragraph):
            candidate = current + token
            if text_width(fonts, candidate.rstrip(), size) <= max_width:
                current = candidate
                continue
            if current.strip():
                lines.append(current.rstrip())
            current = token.lstrip()
            # A word wider than the line (a URL, a long name): break it anywhere.
            while len(current) > 1 and text_width(fonts, current.rstrip(), size) > max_width:
                cut = _longest_fitting(fonts, current, size, max_width)
                lines.append(current[:cut])
                current = current[cut:].lstrip()
        lines.append(current.rstrip())
    return lines


def _longest_fitting(fonts: FontSet, text: str, size: int, max_width: float) -> int:
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(fonts, text[:mid], size) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _metrics(fonts: FontSet, size: int) -> tuple[int, int]:
    """(ascent, line height) covering every font in the chain, so mixed lines don't clash."""
    ascent = descent = 0
    for path in fonts.chain():
        a, d = fonts.font(path, size).getmetrics()
        ascent, descent = max(ascent, a), max(descent, d)
    return ascent, round((ascent + descent) * 1.12)


def layout_caption(
    fonts: FontSet, text: str, max_width: float, max_height: float, start_size: int, min_size: int
) -> CaptionLayout:
    """The largest size from start_size down to min_size at which the wrapped text fits;
    at min_size, the lines that fit, the last one ending in an ellipsis."""
    text = "\n".join(re.sub(r"\s+", " ", p).strip() for p in text.strip().splitlines())
    text = re.sub(r"\n{2,}", "\n", text)
    size = max(start_size, min_size)
    while True:
        lines = wrap(fonts, text, size, max_width)
        ascent, line_height = _metrics(fonts, size)
        if line_height * len(lines) <= max_height or size <= min_size:
            break
        size = max(min_size, int(size * 0.9))
    fit = max(1, int(max_height // line_height))
    truncated = len(lines) > fit
    if truncated:
        lines = lines[:fit]
        last = lines[-1]
        while last and text_width(fonts, last + ELLIPSIS, size) > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    widths = tuple(text_width(fonts, line, size) for line in lines)
    return CaptionLayout(tuple(lines), size, line_height, ascent, widths, truncated)


def draw_text(
    image: Image.Image,
    fonts: FontSet,
    xy: tuple[float, float],
    text: str,
    size: int,
    fill: tuple[int, int, int, int],
    bold: bool = False,
) -> None:
    """Left end of the baseline at xy; each run in the font that has its glyphs."""
    draw = blend_draw(image)
    x, y = xy
    for path, piece in fonts.runs(text, bold):
        font = fonts.font(path, size)
        draw.text((x, y), piece, font=font, fill=fill, anchor="ls")
        x += font.getlength(piece)


@dataclass(frozen=True)
class Frame:
    width: int
    height: int

    @property
    def unit(self) -> float:
        return min(self.width, self.height) / 100

    @property
    def margin(self) -> int:
        return max(3, round(self.unit * 4))


def draw_caption(image: Image.Image, fonts: FontSet, scene: Scene, caption: str) -> CaptionLayout:
    """A lower-third panel with the caption centred on it; returns the layout used."""
    frame = Frame(image.width, image.height)
    m = frame.margin
    pad = max(3, round(frame.unit * 2.2))
    max_w = image.width - 2 * m - 2 * pad
    max_h = image.height * 0.36 - 2 * pad
    start = max(8, round(min(image.height * 0.058, image.width * 0.05)))
    layout = layout_caption(fonts, caption, max_w, max_h, start, max(8, round(start * 0.5)))

    panel_h = layout.height + 2 * pad
    top = image.height - m - panel_h
    # The darker of the ground colours, darkened: white text stays above 7:1 contrast.
    dark = min(scene.palette.near, scene.palette.far, key=sum)
    panel = mix(dark, (0, 0, 0), 0.6)
    draw = blend_draw(image)
    draw.rounded_rectangle(
        (m, top, image.width - m, image.height - m),
        radius=max(2, round(frame.unit * 1.4)),
        fill=rgba(panel, 0.74),
    )
    accent_w = max(6, round((image.width - 2 * m) * 0.12))
    cx = image.width / 2
    draw.rectangle(
        (cx - accent_w / 2, top, cx + accent_w / 2, top + max(1, round(frame.unit * 0.35))),
        fill=rgba(scene.palette.accent, 0.95),
    )
    for i, (line, width) in enumerate(zip(layout.lines, layout.widths, strict=True)):
        baseline = top + pad + i * layout.line_height + layout.ascent
        draw_text(image, fonts, (cx - width / 2, baseline), line, layout.size, rgba(TEXT, 1.0))
    return layout


def draw_labels(image: Image.Image, fonts: FontSet, scene: Scene) -> None:
    """The frame line, the mood tag (top left) and the honest badge (top right)."""
    frame = Frame(image.width, image.height)
    m = frame.margin
    draw = blend_draw(image)
    inset = max(1, m // 2)
    draw.rectangle(
        (inset, inset, image.width - 1 - inset, image.height - 1 - inset),
        outline=(255, 255, 255, 70),
        width=max(1, round(frame.unit * 0.18)),
    )
    size = max(8, round(frame.unit * 1.9))
    pad = max(2, round(size * 0.45))
    ascent, line_height = _metrics(fonts, size)
    box_h = line_height + pad
    badge = BADGE
    badge_w = text_width(fonts, badge, size)
    if badge_w + 2 * pad > image.width - 2 * m:
        badge = BADGE_SHORT
        badge_w = text_width(fonts, badge, size)
    right = image.width - m
    left = right - badge_w - 2 * pad
    draw.rounded_rectangle((left, m, right, m + box_h), radius=box_h / 2, fill=(0, 0, 0, 140))
    baseline = m + (box_h - line_height) / 2 + ascent
    draw_text(image, fonts, (left + pad, baseline), badge, size, (255, 255, 255, 225))

    tag_w = text_width(fonts, scene.tag, size, bold=True)
    tag_right = m + tag_w + 2 * pad + size * 0.7
    if tag_right < left - pad:  # only where it doesn't touch the badge
        draw.rounded_rectangle((m, m, tag_right, m + box_h), radius=box_h / 2, fill=(0, 0, 0, 140))
        dot = size * 0.32
        cy = m + box_h / 2
        draw.ellipse(
            (m + pad - dot, cy - dot, m + pad + dot, cy + dot),
            fill=rgba(scene.palette.accent, 1.0),
        )
        draw_text(
            image,
            fonts,
            (m + pad + size * 0.7, baseline),
            scene.tag,
            size,
            (255, 255, 255, 235),
            bold=True,
        )
