"""Per-target prompt structures: which fields a good prompt has, and how they become text.

Each target (image, video, music, speech, chat) has a fixed list of fields. One of them
is the *core*: the user's own idea (the image's subject, the song's theme, the text to
speak, the chat task). The others are the aspects that generators respond to and rough
ideas usually lack. `render` turns a filled structure into the final prompt text.

Field values for image, video and music are English keywords (what those generators
understand best) around the user's core, which stays in the user's language. Speech
directions and chat prompts are read by a voice or a language model: they are written
in the user's language (English or Simplified Chinese).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Target(enum.StrEnum):
    image = "image"
    video = "video"
    music = "music"
    speech = "speech"
    chat = "chat"


@dataclass(frozen=True)
class Words:
    """A phrase in English, with its Simplified Chinese form where the target needs one."""

    en: str
    zh: str | None = None

    def get(self, language: str) -> str:
        return self.zh if language == "zh" and self.zh else self.en


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Words
    hint: str  # what belongs in the field (documentation, critique)
    examples: tuple[Words, ...]  # quoted in critique suggestions
    core: bool = False


def _f(name: str, label: Words, hint: str, *examples: Words, core: bool = False) -> FieldSpec:
    return FieldSpec(name, label, hint, examples, core)


W = Words

TEMPLATES: dict[Target, tuple[FieldSpec, ...]] = {
    Target.image: (
        _f("subject", W("subject", "主体"), "who or what, doing what, where",
           W("a ginger cat curled up on a rain-streaked windowsill"), core=True),
        _f("style", W("style", "风格"), "medium and aesthetic",
           W("cinematic film still"), W("watercolor illustration")),
        _f("lighting", W("lighting", "光线"), "light source, direction, quality, time of day",
           W("golden hour backlight"), W("soft diffused window light")),
        _f("composition", W("composition", "构图"), "framing, shot size, placement",
           W("close-up, rule of thirds"), W("wide establishing shot")),
        _f("camera", W("camera", "镜头"), "lens, aperture, angle, depth of field",
           W("85mm lens, f/1.8, shallow depth of field"), W("low angle, 24mm wide lens")),
    ),
    Target.video: (
        _f("subject", W("subject", "主体"), "who or what is on screen, and where",
           W("a red fox in a snowy birch forest"), core=True),
        _f("action", W("action", "动作"), "what moves or happens during the shot",
           W("trotting through deep snow, pausing to listen"), W("turning slowly toward camera")),
        _f("camera_motion", W("camera motion", "运镜"), "how the camera moves",
           W("slow dolly in"), W("aerial drone pull-back")),
        _f("style", W("style", "风格"), "look and grade",
           W("cinematic, teal and orange grade"), W("documentary handheld look")),
        _f("pacing", W("duration and pacing", "时长与节奏"), "length, speed, cuts",
           W("8 seconds, slow contemplative pacing"), W("fast cuts, 2 seconds each")),
    ),
    Target.music: (
        _f("theme", W("theme", "主题"), "what the piece is about or accompanies",
           W("a rainy night walk through Tokyo"), core=True),
        _f("mood", W("mood", "情绪"), "the feeling it should carry",
           W("melancholic but hopeful"), W("bright, playful")),
        _f("genre", W("genre", "曲风"), "style of music",
           W("lo-fi hip hop"), W("orchestral film score")),
        _f("tempo", W("tempo", "速度"), "beats per minute and feel",
           W("80 BPM, laid-back"), W("128 BPM, driving")),
        _f("instruments", W("instruments", "乐器"), "lead and supporting instruments",
           W("Rhodes piano, upright bass, brushed drums"), W("string ensemble, French horns")),
        _f("structure", W("structure", "结构"), "sections and arc",
           W("intro – verse – chorus – verse – chorus – outro"), W("slow build to a climax")),
    ),
    Target.speech: (
        _f("text", W("text", "文本"), "the words to be spoken, verbatim",
           W("Welcome back to the show."), core=True),
        _f("tone", W("tone", "语气"), "emotion and attitude of the voice",
           W("warm and friendly", "温暖友好"), W("calm documentary narration", "沉稳的纪录片旁白")),
        _f("pace", W("pace", "语速"), "speed and pauses",
           W("moderate, about 150 words per minute", "中速，每分钟约220字"),
           W("slow, with pauses at commas", "偏慢，逗号处停顿")),
        _f("emphasis", W("emphasis", "重音"), "words to stress",
           W("stress 'never' and 'today'", "重读“从不”和“今天”")),
        _f("pronunciation", W("pronunciation", "发音"), "names, numbers, acronyms, polyphones",
           W("read 'NASA' as one word", "“NASA”按单词读"),
           W("say 2024 as 'twenty twenty-four'", "“2024”读作“二零二四”")),
    ),
    Target.chat: (
        _f("role", W("role", "角色"), "who the model should be",
           W("an experienced travel writer", "一位经验丰富的旅行作家")),
        _f("task", W("task", "任务"), "what to produce, specifically",
           W("Write a 600-word blog post on remote work for small teams",
             "写一篇约1000字、面向小团队的远程办公博客文章"), core=True),
        _f("context", W("context", "背景"), "audience, purpose, background",
           W("for first-time managers", "读者是第一次带团队的管理者")),
        _f("format", W("format", "格式"), "shape of the answer",
           W("a numbered list with a one-line summary", "编号列表，最后一句话总结")),
        _f("constraints", W("constraints", "约束"), "limits and things to avoid",
           W("under 300 words, no jargon", "不超过300字，不用行话")),
    ),
}  # fmt: skip

# Targets whose generators take a negative prompt.
NEGATIVE_TARGETS = frozenset({Target.image, Target.video})
# Targets whose field values follow the user's language (see the module docstring).
LOCALISED_TARGETS = frozenset({Target.speech, Target.chat})


def fields_of(target: Target) -> tuple[FieldSpec, ...]:
    return TEMPLATES[target]


def field_names(target: Target) -> tuple[str, ...]:
    return tuple(spec.name for spec in TEMPLATES[target])


def core_field(target: Target) -> str:
    return next(spec.name for spec in TEMPLATES[target] if spec.core)


def aspect_fields(target: Target) -> tuple[FieldSpec, ...]:
    """The fields besides the core: what a critique checks for."""
    return tuple(spec for spec in TEMPLATES[target] if not spec.core)


def spec_for(target: Target, name: str) -> FieldSpec:
    return next(spec for spec in TEMPLATES[target] if spec.name == name)


def field_language(target: Target, language: str) -> str:
    """The language the rules write a target's field values in."""
    return "zh" if target in LOCALISED_TARGETS and language == "zh" else "en"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?。！？…" else text + "."


def render(target: Target, fields: Mapping[str, str], language: str) -> str:
    """The final prompt text, ready to send to a generator of `target`."""
    f = fields
    zh = field_language(target, language) == "zh"
    if target is Target.image:
        return ", ".join(f[name] for name in field_names(target))
    if target is Target.video:
        return (
            f"{f['subject']}, {f['action']}. Camera: {f['camera_motion']}. "
            f"Style: {f['style']}. Duration and pacing: {f['pacing']}."
        )
    if target is Target.music:
        return (
            f"{f['genre']}, {f['mood']} mood, {f['tempo']}. Instruments: {f['instruments']}. "
            f"Structure: {f['structure']}. Theme: {f['theme']}."
        )
    if target is Target.speech:
        if zh:
            return (
                f"语气：{f['tone']}。语速：{f['pace']}。重音：{f['emphasis']}。"
                f"发音：{f['pronunciation']}。\n\n文本：{f['text']}"
            )
        return (
            f"Tone: {_sentence(f['tone'])} Pace: {_sentence(f['pace'])} "
            f"Emphasis: {_sentence(f['emphasis'])} "
            f"Pronunciation: {_sentence(f['pronunciation'])}\n\nText: {f['text']}"
        )
    if zh:
        return (
            f"你是{f['role']}。\n\n任务：{f['task']}\n\n背景：{f['context']}\n\n"
            f"格式：{f['format']}\n\n要求：{f['constraints']}"
        )
    return (
        f"You are {f['role']}.\n\nTask: {_sentence(f['task'])}\n\n"
        f"Context: {_sentence(f['context'])}\n\nFormat: {_sentence(f['format'])}\n\n"
        f"Constraints: {_sentence(f['constraints'])}"
    )
