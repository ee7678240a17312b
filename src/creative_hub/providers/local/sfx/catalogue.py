"""The documented catalogue of procedural sound effects, and prompt -> effect matching.

| effect      | what it is (all numpy DSP, seeded, any duration)                         |
|-------------|--------------------------------------------------------------------------|
| whoosh      | one pass of air: a noise band sweeping up to ~2.5 kHz and back down       |
| rain        | pink-noise hiss, ~500 drop ticks a second, occasional plinks             |
| wind        | gusting noise through a wandering band-pass, faint whistle, low rumble   |
| thunder     | a crack and a long rolling rumble; a new clap every 5-9 s                |
| storm       | rain + wind + thunder                                                    |
| ocean_waves | surf swelling, breaking (brighter) and receding, every 5-9 s             |
| footsteps   | walking on a hard floor, a step every ~0.5 s, small room                 |
| click       | mouse clicks (press + release), every 0.45-0.8 s                         |
| beep        | 1 kHz sine beeps, 0.18 s on / 0.32 s off                                 |
| chime       | a two-note bell "ding-dong" (E6, C6) ringing out                         |
| siren       | an emergency wail gliding 650-1300 Hz every 3 s                          |
| applause    | ~30 people clapping, swelling in and dying away                          |
| explosion   | crack, sub boom, roaring body and debris, tail fitted to the duration    |
| knock       | three knocks on a wooden door, repeated every 1.6 s                      |
| heartbeat   | lub-dub at 68 BPM                                                        |
| fire        | crackling fire: low roar, hiss, crackles and pops                        |
| birds       | two songbirds trading chirping phrases                                   |

Matching reads the prompt's words (English and Simplified Chinese, synonyms
below); the effect mentioned most wins, the earliest on a tie. Thunder with rain
or wind, or rain with wind, makes a storm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from creative_hub.providers.base import ProviderError
from creative_hub.providers.local.music.dsp import Array
from creative_hub.providers.local.music.words import find_terms
from creative_hub.providers.local.sfx import actions, nature, signals

Render = Callable[[int, int, np.random.Generator], Array]


@dataclass(frozen=True)
class Effect:
    name: str
    description: str
    render: Render
    synonyms: tuple[str, ...]


def _effect(render: Render, synonyms: str) -> Effect:
    doc = (render.__doc__ or "").strip().splitlines()[0]
    return Effect(render.__name__, doc, render, tuple(s.strip() for s in synonyms.split("|")))


EFFECTS: dict[str, Effect] = {
    e.name: e
    for e in (
        _effect(
            actions.whoosh,
            "whoosh|woosh|swoosh|swish|swipe|swoop|transition|fly by|flyby|嗖|呼啸|转场",
        ),
        _effect(nature.rain, "rain|rainfall|raining|rainy|drizzle|downpour|雨|下雨|雨声|小雨|大雨"),
        _effect(nature.wind, "wind|windy|breeze|gust|blowing|howling|风|风声|大风|微风|刮风"),
        _effect(nature.thunder, "thunder|thunderclap|lightning|rumble|雷|雷声|打雷|闪电"),
        _effect(nature.storm, "storm|stormy|thunderstorm|tempest|暴风雨|雷雨|风暴|暴雨|雷阵雨"),
        _effect(
            nature.ocean_waves,
            "ocean waves|ocean|wave|sea|surf|beach|shore|seaside|tide|海浪|海|波浪|海边",
        ),
        _effect(actions.footsteps, "footsteps|footstep|step|walking|walk|脚步|脚步声|走路"),
        _effect(signals.click, "click|clicking|mouse|tap|typing|keyboard|点击|咔哒|鼠标|打字|键盘"),
        _effect(signals.beep, "beep|bleep|blip|tone|test tone|哔|嘀|滴滴"),
        _effect(
            signals.chime,
            "chime|bell|ding|notification|doorbell|ding dong|叮|铃声|提示音|钟声|门铃",
        ),
        _effect(signals.siren, "siren|alarm|police|ambulance|emergency|警报|警笛|警车|救护车"),
        _effect(actions.applause, "applause|applaud|clapping|clap|audience|ovation|掌声|鼓掌|喝彩"),
        _effect(actions.explosion, "explosion|explode|blast|boom|bomb|detonation|爆炸|爆破|炸弹"),
        _effect(actions.knock, "knock|knocking|door|敲门|敲"),
        _effect(actions.heartbeat, "heartbeat|heart|pulse|heart beat|心跳"),
        _effect(
            nature.fire,
            "fire|crackling|campfire|fireplace|flame|bonfire|burning|篝火|火焰|壁炉|燃烧",
        ),
        _effect(nature.birds, "bird|birdsong|chirp|chirping|tweet|songbird|鸟|鸟鸣|鸟叫"),
    )
}

_VOCABULARY: dict[str, str] = {
    term: e.name for e in EFFECTS.values() for term in (e.name.replace("_", " "), *e.synonyms)
}
# Words that contain a synonym but mean something else ("风格" is style, not wind):
# matched as themselves so the shorter synonym inside them is not.
_VOCABULARY.update(dict.fromkeys(["风格", "风景", "浪漫", "火车", "海报", "雷达"], ""))

_STORM_PAIRS = ({"thunder", "rain"}, {"thunder", "wind"}, {"rain", "wind"})


def catalogue_listing() -> str:
    return ", ".join(EFFECTS)


def match_effect(prompt: str) -> tuple[Effect, tuple[str, ...]]:
    """(the effect a prompt asks for, the words that chose it); ProviderError if none."""
    if not prompt.strip():
        raise ProviderError(
            "empty_prompt",
            f"Describe the sound effect you want. Available: {catalogue_listing()}.",
        )
    found = [f for f in find_terms(prompt, _VOCABULARY) if f.value]
    if not found:
        raise ProviderError(
            "unknown_sound_effect",
            f"No sound effect matches {prompt!r}. Available: {catalogue_listing()}.",
        )
    names = {f.value for f in found}
    if any(pair <= names for pair in _STORM_PAIRS):
        words = tuple(f.term for f in found if f.value in ("thunder", "rain", "wind", "storm"))
        return EFFECTS["storm"], words
    counts: dict[str, int] = {}
    for f in found:
        counts[f.value] = counts.get(f.value, 0) + 1
    best = max(counts.values())
    name = next(f.value for f in found if counts[f.value] == best)
    return EFFECTS[name], tuple(f.term for f in found if f.value == name)
