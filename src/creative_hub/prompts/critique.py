"""Rule-based critique: a 0-100 score, what is good, and what to add, named and exemplified.

The score has three parts:

- core detail (30): how much the subject / theme / task says (content words; Chinese
  characters count half). "a cat" says little; "a ginger cat curled up on a rainy
  windowsill" says a lot. For speech, whether there is text to speak at all.
- aspects (60): the share of the target's aspects the prompt covers (image: style,
  lighting, composition, camera; music: mood, genre, tempo, instruments, structure …).
- clarity (10): minus 3 per vague word ("beautiful", "nice", "8k"), minus 3 for a
  "without …" inside an image or video prompt, minus 4 for an image prompt past what
  image models read (about 75 words).

Every suggestion names the missing aspect and gives an example, chosen from the cues in
the prompt where the rules have one (a night scene gets a night-lighting example).
Messages are in the prompt's language (English or Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass

from creative_hub.prompts.analysis import Analysis
from creative_hub.prompts.defaults import rule_fields
from creative_hub.prompts.templates import (
    NEGATIVE_TARGETS,
    Target,
    Words,
    aspect_fields,
    field_language,
    fields_of,
)

CORE_POINTS = 30
ASPECT_POINTS = 60
CLARITY_POINTS = 10
IMAGE_WORD_LIMIT = 60
SPECIFIC_CORE = 22  # core points from which the core counts as specific (about 4 words)

W = Words

_CORE_ADVICE = {
    Target.image: W(
        "Describe the subject more specifically: who or what, doing what, where, with concrete "
        'details — e.g. "{example}".',
        "把主体写得更具体：是谁或什么、在做什么、在哪里，加上具体细节——例如“{example}”。",
    ),
    Target.video: W(
        "Describe what is on screen more specifically: the subject, the setting and what "
        'happens — e.g. "{example}".',
        "把画面内容写得更具体：主体、场景和发生的事——例如“{example}”。",
    ),
    Target.music: W(
        'Say more about the theme: the scene, story or use the music is for — e.g. "{example}".',
        "多说一些主题：音乐对应的场景、故事或用途——例如“{example}”。",
    ),
    Target.speech: W(
        "Give the complete text to be spoken, word for word.",
        "给出要朗读的完整文本，逐字写出。",
    ),
    Target.chat: W(
        "Make the task specific: what to produce, about what, for whom and how long — "
        'e.g. "{example}".',
        "把任务写具体：要产出什么、关于什么、给谁看、多长——例如“{example}”。",
    ),
}
_CORE_EXAMPLES = {
    Target.image: W("a ginger cat curled up on a rain-streaked windowsill, looking outside",
                    "一只橘猫蜷缩在挂满雨珠的窗台上，望着窗外"),
    Target.video: W("a red fox trotting through a snowy birch forest at dawn",
                    "黎明时分，一只红狐狸在白桦林的雪地里小跑"),
    Target.music: W("a rainy night walk home through neon-lit Tokyo streets",
                    "雨夜里穿过霓虹闪烁的东京街头独自走回家"),
    Target.speech: W("Welcome back to the show."),
    Target.chat: W("Write a 600-word blog post on remote work for small teams",
                   "写一篇约1000字、面向小团队的远程办公博客文章"),
}  # fmt: skip
_CORE_STRENGTH = W('The {label} is specific: "{value}".', "{label}具体明确：“{value}”。")
_ASPECT_STRENGTH = W('{Label} given: "{value}".', "已写明{label}：“{value}”。")
_ADD_ASPECT = W(
    'Add {label}: e.g. "{first}" or "{second}".', "补充{label}：例如“{first}”或“{second}”。"
)
_VAGUE = W(
    "Replace vague words ({words}) with concrete details: colors, materials, textures, "
    "specific actions.",
    "把含糊的词（{words}）换成具体细节：颜色、材质、质感、具体动作。",
)
_INLINE_NEGATIVE = W(
    "Move '{phrase}' to the negative prompt: generators tend to draw what a prompt names, "
    "even after 'without'.",
    "把“{phrase}”移到反向提示词里：生成模型常常会画出提示词里提到的东西，即使前面写了“没有”。",
)
_TOO_LONG = W(
    "Shorten the prompt: many image models read only about the first 75 words; put the most "
    "important details first.",
    "精简提示词：很多图像模型只读取前约75个词，把最重要的细节放在前面。",
)  # fmt: skip


@dataclass(frozen=True)
class CritiqueResult:
    score: int
    strengths: list[str]
    suggestions: list[str]
    missing: list[str]  # field names of the aspects the prompt lacks


def core_points(a: Analysis) -> int:
    if a.target is Target.speech:
        return CORE_POINTS if a.detail >= 3 else CORE_POINTS // 2 if a.detail else 0
    for limit, points in ((1, 4), (2, 8), (3, 14), (5, 22), (7, 27)):
        if a.detail <= limit:
            return points
    return CORE_POINTS


def _clip(value: str, length: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= length else value[: length - 1].rstrip() + "…"


def critique(a: Analysis) -> CritiqueResult:
    lang = "zh" if a.language == "zh" else "en"
    aspects = aspect_fields(a.target)
    covered = [spec for spec in aspects if spec.name in a.mentioned]
    core_score = core_points(a)
    clarity = CLARITY_POINTS - 3 * min(len(a.vague), 3)
    too_long = a.target is Target.image and a.detail > IMAGE_WORD_LIMIT
    clarity -= 3 if a.inline_negatives else 0
    clarity -= 4 if too_long else 0
    aspect_score = ASPECT_POINTS * len(covered) / len(aspects)
    score = round(core_score + aspect_score + max(clarity, 0))

    core_spec = next(spec for spec in fields_of(a.target) if spec.core)
    strengths: list[str] = []
    suggestions: list[str] = []
    if core_score >= SPECIFIC_CORE and a.core:
        strengths.append(
            _CORE_STRENGTH.get(lang).format(label=core_spec.label.get(lang), value=_clip(a.core))
        )
    elif core_score < SPECIFIC_CORE:
        example = _CORE_EXAMPLES[a.target].get(lang)
        suggestions.append(_CORE_ADVICE[a.target].get(lang).format(example=example))
    for spec in covered:
        label = spec.label.get(lang)
        value = _clip(a.mentioned[spec.name])
        capitalised = label[:1].upper() + label[1:]
        strengths.append(
            _ASPECT_STRENGTH.get(lang).format(Label=capitalised, label=label, value=value)
        )
    rules = rule_fields(a)
    field_lang = field_language(a.target, a.language)
    for spec in aspects:
        if spec.name in a.mentioned:
            continue
        examples = [rules[spec.name], *(e.get(field_lang) for e in spec.examples)]
        options = list(dict.fromkeys(examples))
        first, second = (options + options)[:2]
        suggestions.append(
            _ADD_ASPECT.get(lang).format(label=spec.label.get(lang), first=first, second=second)
        )
    if a.vague:
        separator = "、" if lang == "zh" else ", "
        words = separator.join(f"'{v}'" if lang == "en" else f"“{v}”" for v in a.vague)
        suggestions.append(_VAGUE.get(lang).format(words=words))
    if a.target in NEGATIVE_TARGETS:
        for phrase in a.inline_negatives:
            suggestions.append(_INLINE_NEGATIVE.get(lang).format(phrase=phrase))
    if too_long:
        suggestions.append(_TOO_LONG.get(lang))
    missing = [spec.name for spec in aspects if spec.name not in a.mentioned]
    return CritiqueResult(max(0, min(100, score)), strengths, suggestions, missing)
