"""What the language model is asked, and which of its answers are kept.

The model is asked for a few fields only, as JSON constrained by a schema: a richer
wording of the core (image/video subject, music theme, chat task) and one or two
fields it can judge (a video's action, a song's mood, a voice's tone and stressed
words, the chat role). A small model often drifts off topic, repeats itself, switches
language or copies its example, so every value passes checks before it is used:

- it is short, one line, with no markup, and not cut off mid-phrase;
- it is in the idea's language (speech and chat fields) or in English (music mood);
- a rewritten core keeps the idea's meaning words (most of them), says more than the
  idea did, and does not borrow words from the example in the instructions;
- an aspect value names that aspect (a mood must contain a mood word, a role a role
  noun), and stressed words must be words of the text.

Whatever fails is dropped and the rules' value stays.
"""

from __future__ import annotations

import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from creative_hub.prompts import lexicon
from creative_hub.prompts.analysis import Analysis, content_words, detail_of, detect_language
from creative_hub.prompts.defaults import stress_text
from creative_hub.prompts.templates import Target, core_field
from creative_hub.providers.base import ChatMessage, TextRequest

TEMPERATURE = 0.7
VARIATION_TEMPERATURE = 0.9
# Core rewrites asked for in one variations call; the rest reuse them (bounds latency).
MAX_MODEL_VARIANTS = {"en": 3, "zh": 2}
# Characters allowed per field, by the language it is written in. A small English model
# spends about 0.3 tokens per English character and 2-3 per Chinese one, so Chinese
# answers get fewer characters; a degenerate, repeating answer then stops early too.
LIMITS: dict[str, dict[str, int]] = {
    "en": {"subject": 150, "theme": 120, "task": 160, "action": 60, "tone": 40, "role": 50,
           "emphasis": 20, "version": 90, "mood": 30},
    "zh": {"subject": 36, "theme": 30, "task": 40, "action": 16, "tone": 12, "role": 12,
           "emphasis": 8, "version": 24, "mood": 30},
}  # fmt: skip
_TOKENS_PER_CHAR = {"en": 0.3, "zh": 2.5}

_HAN = re.compile(r"[\u3400-\u9fff]")
_BANNED = re.compile(r"[{}\[\]<>`\n]|https?:|json|\bidea\s*:|\btext\s*:", re.I)
_TRAILING = re.compile(
    r"[\s,;:，；、-]+(?:(?:a|an|the|and|or|of|with|in|on|at|to|for)\b[\s,]*)*$", re.I
)
ROLE_NOUNS = lexicon.lex(
    "expert|writer|engineer|teacher|editor|analyst|consultant|coach|specialist|developer|"
    "designer|marketer|copywriter|translator|scientist|historian|journalist|strategist|"
    "planner|researcher|reviewer|author|chef|doctor|lawyer|manager|tutor|guide|critic|"
    "advisor|adviser|professor|storyteller|poet|agent|producer|director|assistant",
    "专家|作家|作者|工程师|老师|编辑|分析师|顾问|教练|设计师|译者|翻译|记者|策划|规划师|研究员|"
    "教授|医生|律师|经理|导游|评论家|诗人|助手|导演|制作人",
)


@dataclass(frozen=True)
class Example:
    idea: str
    answer: str  # JSON text


@dataclass(frozen=True)
class Ask:
    analysis: Analysis
    request: TextRequest
    schema: dict[str, Any]
    examples_text: str  # what the model saw as examples (to catch copying)


def _s(limit: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 2, "maxLength": limit}


def _lang(a: Analysis, name: str) -> str:
    """The language a field is written in: the idea's, except a song's mood (English)."""
    return "zh" if a.language == "zh" and name != "mood" else "en"


def limit(a: Analysis, name: str) -> int:
    return LIMITS[_lang(a, name)][name]


def _budget(a: Analysis, fields: dict[str, int]) -> int:
    """max_tokens that fits `fields` (name -> how many strings) at their full length."""
    tokens = 12.0
    for name, count in fields.items():
        tokens += count * (limit(a, name) * _TOKENS_PER_CHAR[_lang(a, name)] + 8)
    return math.ceil(tokens)


_INSTRUCTIONS = {
    Target.image: "You improve prompts for an image generator. Rewrite the idea as one vivid, "
    "specific description of the subject: who or what, doing what, where, with concrete "
    "visual details. Keep every element of the idea and write in the idea's language.",
    Target.video: "You improve prompts for a video generator. Describe the subject and its "
    "setting, and separately the action: what moves or happens during the shot. Keep every "
    "element of the idea and write in the idea's language.",
    Target.music: "You improve prompts for a music generator. Rewrite the idea as a specific "
    "theme: the scene or story the music is for. Keep the idea's language for the theme, and "
    "name the mood in English words.",
    Target.speech: "You direct a voice actor. For the text, describe the tone of voice in a few "
    "words, in the text's language, and pick up to three words from the text to stress.",
    Target.chat: "You improve prompts for a chat assistant. Name the expert who should answer "
    "(role) and rewrite the request as a specific task: what to produce, about what, for whom, "
    "how long. Write in the request's language.",
}
# What the model is asked for, per target: field name -> how many strings.
ASKED: dict[Target, dict[str, int]] = {
    Target.image: {"subject": 1},
    Target.video: {"subject": 1, "action": 1},
    Target.music: {"theme": 1, "mood": 1},
    Target.speech: {"tone": 1, "emphasis": 3},
    Target.chat: {"role": 1, "task": 1},
}


def _properties(a: Analysis) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name, count in ASKED[a.target].items():
        string = _s(limit(a, name))
        props[name] = (
            string if count == 1 else {"type": "array", "maxItems": count, "items": string}
        )
    return props


_EXAMPLES: dict[Target, dict[str, Example]] = {
    Target.image: {
        "en": Example("a dog", '{"subject": "a scruffy terrier puppy sitting in tall summer '
                      'grass, tongue out"}'),
        "zh": Example("一只猫", '{"subject": "一只橘色小猫蜷缩在洒满阳光的木窗台上"}'),
    },
    Target.video: {
        "en": Example("a dog", '{"subject": "a scruffy terrier puppy in a sunlit meadow", '
                      '"action": "bounding through tall grass toward the camera"}'),
        "zh": Example("一只猫", '{"subject": "一只橘色小猫在洒满阳光的木地板上", '
                      '"action": "追着毛线球跑来跑去"}'),
    },
    Target.music: {
        "en": Example("a song for a road trip", '{"theme": "a sunny coastal road trip with '
                      'the windows down", "mood": "carefree, joyful"}'),
        "zh": Example("一首关于夏天的歌", '{"theme": "盛夏傍晚骑车穿过海边小镇", '
                      '"mood": "carefree, warm"}'),
    },
    Target.speech: {
        "en": Example("Thanks for joining us. Tonight we explore the ocean.",
                      '{"tone": "warm and curious", "emphasis": ["joining", "ocean"]}'),
        "zh": Example("谢谢收看。今晚我们一起探索海洋。",
                      '{"tone": "温暖、好奇", "emphasis": ["谢谢", "海洋"]}'),
    },
    Target.chat: {
        "en": Example("write about time management", '{"role": "an experienced '
                      'productivity coach", "task": "Write a 600-word blog post with three '
                      'practical time-management methods for new managers"}'),
        "zh": Example("写一篇关于时间管理的文章", '{"role": "一位资深效率教练", "task": '
                      '"写一篇约800字的文章，给职场新人介绍三个时间管理方法"}'),
    },
}  # fmt: skip
_VARIANT_EXAMPLES = {
    "en": Example("a dog", '{"versions": ["a scruffy terrier puppy sitting in tall summer '
                  'grass", "an old greyhound asleep on a red velvet sofa"]}'),
    "zh": Example("一只猫", '{"versions": ["一只橘色小猫蜷缩在洒满阳光的窗台上", '
                  '"一只黑猫蹲在雪夜的路灯下"]}'),
}  # fmt: skip


def seed_for(*parts: object) -> int:
    """The same request gets the same seed, so the same answer."""
    return zlib.crc32("\x1f".join(map(str, parts)).encode()) & 0x7FFFFFFF


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _idea(a: Analysis) -> str:
    return a.core if a.target is not Target.chat else a.text


def too_long_to_rewrite(a: Analysis) -> bool:
    """An idea longer than the model may write: a rewrite could only shorten it."""
    return a.target is not Target.speech and len(a.core) >= limit(a, core_field(a.target))


def enhance_ask(a: Analysis, model: str | None) -> Ask:
    example = _EXAMPLES[a.target]["zh" if a.language == "zh" else "en"]
    messages = [
        ChatMessage("system", _INSTRUCTIONS[a.target] + " Reply with JSON only."),
        ChatMessage("user", example.idea),
        ChatMessage("assistant", example.answer),
        ChatMessage("user", _idea(a)),
    ]
    return Ask(
        a,
        TextRequest(
            messages=messages,
            model=model,
            max_tokens=_budget(a, ASKED[a.target]),
            temperature=TEMPERATURE,
            seed=seed_for("enhance", a.target, a.text),
        ),
        _object(_properties(a)),
        f"{example.idea} {example.answer}",
    )


def variations_ask(a: Analysis, count: int, model: str | None) -> Ask | None:
    """None for speech: its text is spoken verbatim, so only the delivery varies."""
    if a.target is Target.speech:
        return None
    n = min(count, MAX_MODEL_VARIANTS["zh" if a.language == "zh" else "en"])
    example = _VARIANT_EXAMPLES["zh" if a.language == "zh" else "en"]
    what = {Target.chat: "request", Target.music: "theme"}.get(a.target, "subject")
    messages = [
        ChatMessage(
            "system",
            f"Write different versions of the same {what}, each more specific and with other "
            "concrete details. Keep every element of the original and its language. "
            "Reply with JSON only.",
        ),
        ChatMessage("user", f"{example.idea} (2 versions)"),
        ChatMessage("assistant", example.answer),
        ChatMessage("user", f"{_idea(a)} ({n} versions)"),
    ]
    item = _s(limit(a, "version"))
    schema = _object({"versions": {"type": "array", "minItems": n, "maxItems": n, "items": item}})
    return Ask(
        a,
        TextRequest(
            messages=messages,
            model=model,
            max_tokens=_budget(a, {"version": n}),
            temperature=VARIATION_TEMPERATURE,
            seed=seed_for("variations", a.target, a.text, count),
        ),
        schema,
        f"{example.idea} {example.answer}",
    )


# -- checks -------------------------------------------------------------------------------


def clean(value: object, cap: int) -> str | None:
    """One tidy line, or None: no markup, no repeats, not cut off mid-phrase.

    `cap` is the schema's maxLength: an answer that reached it was cut off.
    """
    if not isinstance(value, str) or _BANNED.search(value.strip()):
        return None
    text = " ".join(value.split()).strip(" \"'“”‘’")
    if not text:
        return None
    text = re.sub(r"\b(\w+)(?:\s+\1\b)+", r"\1", text, flags=re.I)  # "fluffy fluffy"
    chunks = [c.strip() for c in re.split(r"[,，]", text)]
    unique = list(dict.fromkeys(c for c in chunks if c))
    joiner = "，" if _HAN.search(text) else ", "
    text = joiner.join(unique)
    if len(value) >= cap - 2:  # drop the unfinished part: the last clause, or word
        comma = max(text.rfind(","), text.rfind("，"))
        cut = comma if comma > cap // 3 else text.rfind(" ")
        text = text[:cut] if cut > cap // 3 else text
    text = _TRAILING.sub("", text).rstrip(" .。")
    return text if len(text) >= 2 else None


def _repetitive(text: str) -> bool:
    words = [w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)]
    counts = Counter(w for w in words if w not in lexicon.STOPWORDS)
    han = _HAN.findall(text)
    bigrams = Counter(a + b for a, b in itertools.pairwise(han))
    return any(n > 2 for n in counts.values()) or any(n > 2 for n in bigrams.values())


def _units(text: str) -> set[str]:
    """English meaning words and Chinese character pairs: what copying would share."""
    han = _HAN.findall(text)
    return {w for w in content_words(text) if not _HAN.match(w)} | {
        a + b for a, b in itertools.pairwise(han)
    }


def _same_language(value: str, language: str) -> bool:
    if language == "zh":
        return detect_language(value) == "zh"
    if language in ("ja", "ko"):
        return detect_language(value) == language
    return not _HAN.search(value)


def _copies_example(a: Analysis, value: str, examples_text: str) -> bool:
    borrowed = (_units(examples_text) - _units(a.text)) & _units(value)
    return len(borrowed) >= 2


def accept_core(a: Analysis, value: object, examples_text: str, cap: int) -> str | None:
    """A rewrite of the core that keeps its meaning and adds to it, or None."""
    text = clean(value, cap)
    if text is None or _repetitive(text) or not _same_language(text, a.language):
        return None
    if _copies_example(a, text, examples_text):
        return None
    wanted = content_words(a.core)
    if wanted:
        kept = wanted & content_words(text)
        if len(kept) < math.ceil(len(wanted) * (0.6 if a.language == "zh" else 2 / 3)):
            return None
    if detail_of(text) <= detail_of(a.core):
        return None
    return text


def _accept_aspect(
    value: object, lex: lexicon.Lexicon, language: str, examples_text: str, a: Analysis, cap: int
) -> str | None:
    text = clean(value, cap)
    if text is None or _repetitive(text) or text not in lex:
        return None
    words = len(text.split()) if language != "zh" else len(_HAN.findall(text)) // 2
    if words > 14 or not _same_language(text, language):
        return None
    return None if _copies_example(a, text, examples_text) else text


def _emphasis(a: Analysis, value: object) -> str | None:
    if not isinstance(value, list):
        return None
    found: list[str] = []
    for item in value:
        word = clean(item, limit(a, "emphasis"))
        if word and word.lower() in a.core.lower() and word.lower() not in lexicon.STOPWORDS:
            found.append(word)
    found = list(dict.fromkeys(found))[:3]
    if not found:
        return None
    return stress_text(found, "zh" if a.language == "zh" else "en")


def accept_enhance(a: Analysis, raw: Mapping[str, Any], examples_text: str) -> dict[str, str]:
    """The model's values that pass the checks, by field name."""
    out: dict[str, str] = {}
    core = core_field(a.target)
    speech_lang = "zh" if a.language == "zh" else "en"
    if core in raw:
        rewritten = accept_core(a, raw[core], examples_text, limit(a, core))
        if rewritten:
            out[core] = rewritten
    aspects: dict[str, tuple[lexicon.Lexicon, str]] = {
        "action": (lexicon.ACTION, a.language),
        "mood": (lexicon.MOOD, "en"),
        "tone": (lexicon.TONE, speech_lang),
        "role": (ROLE_NOUNS, speech_lang),
    }
    for name, (lex, language) in aspects.items():
        if name in raw:
            value = _accept_aspect(raw[name], lex, language, examples_text, a, limit(a, name))
            if value and name == "role" and language == "en":
                value = value if re.match(r"(?:an?|the)\s", value, re.I) else None
            if value and name == "action" and value.lower() in a.core.lower():
                value = None
            if value:
                out[name] = value
    if "emphasis" in raw:
        emphasis = _emphasis(a, raw["emphasis"])
        if emphasis:
            out["emphasis"] = emphasis
    return out


def accept_variants(a: Analysis, raw: Mapping[str, Any], examples_text: str) -> list[str]:
    """Distinct core rewrites that pass the checks."""
    versions = raw.get("versions")
    if not isinstance(versions, list):
        return []
    kept: list[str] = []
    for item in versions:
        text = accept_core(a, item, examples_text, limit(a, "version"))
        if text and all(content_words(text) != content_words(k) for k in kept):
            kept.append(text)
    return kept
