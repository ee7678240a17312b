"""Prompt words -> a lighting mood (the palette and sky) and a setting (the ground).

Matching is plain keyword lookup, in English (whole words, simple plurals) and in
Chinese (substrings, since Chinese has no spaces). Lighting words ("night",
"sunset") win over setting words ("ocean", "forest") for the palette, so "a calm
ocean at night" is a night scene over water.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Palette:
    sky_top: RGB
    sky_mid: RGB
    horizon: RGB
    glow: RGB  # the sun or moon and the light around it
    far: RGB  # distant ridges and skylines
    near: RGB  # the foreground
    accent: RGB  # small lights: stars, windows, sparkles, embers


@dataclass(frozen=True)
class Scene:
    lighting: str
    setting: str
    palette: Palette
    matched: tuple[str, ...]

    @property
    def tag(self) -> str:
        """The small label on the frame, e.g. 'NIGHT · FOREST'."""
        return f"{self.lighting} · {self.setting}".upper()


# Palette field order: sky_top sky_mid horizon glow far near accent.
_PALETTE_HEX = {
    "night": "060a1e 161e4a 3a3e76 eceeff 1e244a 0a0e20 ffe8aa",
    "sunset": "2e2260 c64a60 ffaa58 ffde8c 763660 2c1632 ffc476",
    "storm": "242a34 4c5664 808a94 ced6e0 38404c 1a1e26 b0ceec",
    "snow": "80a0c8 c0d4e8 f0f4fa ffffff 96acc8 e2eaf4 6e8cba",
    "fire": "22060a 821812 f46422 ffba54 481010 160608 ff9636",
    "mystery": "1a242e 3a4e58 8a9e9e dee8e8 304048 121a1e a8ded2",
    "bright": "46a0ec 92cefa fff2c4 ffee8c 70b876 42944e ffd450",
    "cozy": "38221c 7a4a32 d89862 ffd08e 583828 261814 ffc67a",
    "neon": "120c2e 481e70 de5498 ff80cc 281848 0e0a1c 5ae8ff",
    "calm": "246cb2 70b2de d0e8f0 fffae2 4080aa 124670 ffffff",
    "green": "70a696 aeceaa e4eac6 fff6d4 46785c 163a28 f0de96",
    "soft": "44588c 96a0c0 f0d4be fff0dc 60688c 2c324c ffdeb6",
}


def _palette(hexes: str) -> Palette:
    colors = [(int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)) for h in hexes.split()]
    return Palette(*colors)


PALETTES: dict[str, Palette] = {name: _palette(hexes) for name, hexes in _PALETTE_HEX.items()}

Keywords = tuple[frozenset[str], tuple[str, ...]]


def _keywords(english: str, chinese: str) -> Keywords:
    return frozenset(english.split()), tuple(chinese.split())


# Lighting moods, in the order that breaks ties: (English words, Chinese words).
LIGHTING: dict[str, Keywords] = {
    "night": _keywords(
        "night midnight dark darkness moon moonlight moonlit star starry starlight nocturnal "
        "nighttime",
        "夜 晚上 月 星 黑暗 午夜",
    ),
    "sunset": _keywords(
        "sunset sunrise dusk dawn golden warm twilight evening sundown",
        "日落 夕阳 黄昏 日出 晚霞 金色 傍晚",
    ),
    "storm": _keywords(
        "storm stormy rain rainy thunder lightning grey gray gloomy sad melancholy tempest",
        "雨 暴风 雷 阴 悲伤 风暴",
    ),
    "snow": _keywords(
        "snow snowy winter cold ice icy frozen frost arctic blizzard",
        "雪 冬 冰 寒",
    ),
    "fire": _keywords(
        "fire epic red battle war dragon volcano flame lava inferno explosion burning blaze",
        "火 史诗 红 战 龙 燃烧",
    ),
    "mystery": _keywords(
        "mysterious mystery fog foggy mist misty haunted ghost eerie secret enigmatic",
        "神秘 雾 鬼 幽 秘密",
    ),
    "bright": _keywords(
        "happy bright sunny sun joy joyful cheerful spring summer fun smile celebration playful",
        "快乐 明亮 阳光 欢乐 开心 春 夏 晴",
    ),
    "cozy": _keywords(
        "coffee cafe café cozy cosy tea home fireplace candle autumn latte book library",
        "咖啡 茶 温暖 家 秋 书",
    ),
    "neon": _keywords(
        "neon cyberpunk nightlife club futuristic synthwave",
        "霓虹 赛博 未来",
    ),
}

# Settings, in tie-break order, each with the palette used when no lighting word matched.
SETTINGS: dict[str, tuple[Keywords, str]] = {
    "ocean": (
        _keywords(
            "ocean sea beach wave calm blue lake river water coast shore serene peaceful "
            "harbor harbour island",
            "海 洋 浪 湖 平静 蓝 水 河 岛",
        ),
        "calm",
    ),
    "forest": (
        _keywords(
            "forest wood tree green jungle nature grove garden meadow pine park",
            "森林 树 林 绿 公园 花园",
        ),
        "green",
    ),
    "city": (
        _keywords(
            "city street urban downtown skyline building town office tower skyscraper "
            "metropolis shop store",
            "城市 街 都市 楼 城",
        ),
        "soft",
    ),
    "mountains": (
        _keywords(
            "mountain hill peak cliff valley canyon summit alp desert ridge",
            "山 峰 谷 沙漠",
        ),
        "soft",
    ),
}

_WORD = re.compile(r"[a-zé]+")


def _words(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    # "stars" -> "star", "trees" -> "tree"; good enough for a keyword table.
    return [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]


def _score(text: str, words: list[str], keywords: Keywords) -> list[str]:
    english, chinese = keywords
    hits = [w for w in words if w in english]
    hits += [c for c in chinese if c in text]
    return hits


def derive_scene(prompt: str, style: str | None = None) -> Scene:
    """The mood of a prompt; `style`, when it names a palette ("night", "neon"...), wins."""
    words = _words(prompt)
    lighting, lighting_hits = _best(
        {name: _score(prompt, words, keywords) for name, keywords in LIGHTING.items()}
    )
    setting, setting_hits = _best(
        {name: _score(prompt, words, keywords) for name, (keywords, _) in SETTINGS.items()}
    )
    if lighting is None:
        lighting = SETTINGS[setting][1] if setting else "soft"
    if setting is None:
        # Snow and fire read best against ridges; neon and cafe lights belong in a street.
        setting = {"snow": "mountains", "fire": "mountains", "neon": "city", "cozy": "city"}.get(
            lighting, "hills"
        )
    style_key = (style or "").strip().lower()
    if style_key in PALETTES:
        lighting = style_key
    return Scene(
        lighting=lighting,
        setting=setting,
        palette=PALETTES[lighting],
        matched=tuple(lighting_hits + setting_hits),
    )


def _best(scores: dict[str, list[str]]) -> tuple[str | None, list[str]]:
    best: str | None = None
    for name, hits in scores.items():  # dict order is the tie-break order
        if hits and (best is None or len(hits) > len(scores[best])):
            best = name
    return best, (scores[best] if best else [])
