"""Rule-based reading of a rough idea: its language, its core, and which aspects it covers.

The idea is split into clauses (at commas, semicolons and sentence ends; `，、；。` too).
The first clause is always part of the core (the subject, theme or task). A later clause
that names an aspect ("golden hour", "85mm", "under 200 words") becomes that field's
value, given by the user; a clause starting with "no"/"without"/"不要" becomes part of the
negative prompt (image, video); any other clause stays in the core.

Speech is different: the text to speak is kept verbatim. Delivery directions come only
from a bracketed lead-in ("[calm, slow] Hello…") or from labelled lines ("Tone: …").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from creative_hub.prompts import lexicon
from creative_hub.prompts.styles import StyleId, detect_style
from creative_hub.prompts.templates import NEGATIVE_TARGETS, Target, aspect_fields

_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_CLAUSE_SPLIT = re.compile(r"\s*(?:[,;，；、\n]|。|(?<=[.!?])\s+)\s*")
_NEGATIVE_LEAD = re.compile(r"^(?:no|not|without|avoid|never|不要|没有|避免|无|别|不含)\s*", re.I)
_TRAILING_WITHOUT = re.compile(r"\s+(?:without|with no)\s+([^,.;]{2,40})$", re.I)
_BPM = re.compile(r"(\d{2,3})\s?(?:bpm|拍)", re.I)
_SECONDS = re.compile(r"(\d+(?:\.\d+)?)\s?(?:s|sec|secs|seconds?|秒)(?![a-z])", re.I)
_HAN_STOP = frozenset("的一个只在了是和与把被着很也都这那有")

_EN_FILLER = re.compile(
    r"^(?:please\s+)?(?:(?:can|could|would)\s+you\s+)?"
    r"(?:(?:i\s+(?:want|need|would\s+like)|i'd\s+like)\s+(?:you\s+to\s+)?)?"
    r"(?:(?:make|create|generate|draw|paint|render|design|produce|compose|give\s+me|"
    r"show\s+me)\s+(?:me\s+)?)?"
    r"(?:(?:a|an|the|some)?\s*(?:short\s+)?(?:image|picture|photo|photograph|illustration|"
    r"painting|drawing|video|clip|animation|song|track|tune|piece\s+of\s+music|music|"
    r"melody|prompt)s?\s+(?:of|about|for|showing|with|where)\s+)?",
    re.I,
)
_ZH_POLITE = re.compile(r"^(?:请|麻烦你?|帮我|给我|为我)+")
_ZH_VERB_MEASURE = re.compile(r"^(?:画|生成|创作|制作|做|来|写|设计)?(?:一|1)(?:张|幅|段|首|支|个)")
_ZH_ABOUT = re.compile(r"^关于")
_EN_MUSIC = re.compile(
    r"^(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,3}?(?:song|track|tune|piece|melody|soundtrack|score|"
    r"beat|instrumental)\s+(?:about|for|of|on|that\s+(?:sounds|feels)\s+like)\s+",
    re.I,
)
_ZH_SUFFIX = re.compile(r"(?:的)?(?:图片|图像|照片|插画|画|视频|短片|音乐|歌曲|歌|曲子)$")

# Speech directions: "Tone: calm", "语气：平静", or a bracketed lead-in.
_SPEECH_LABELS = {
    "tone": "tone", "pace": "pace", "emphasis": "emphasis", "pronunciation": "pronunciation",
    "text": "text", "语气": "tone", "语速": "pace", "重音": "emphasis", "发音": "pronunciation",
    "文本": "text",
}  # fmt: skip
_SPEECH_LABEL = re.compile(
    r"(?:^|(?<=[\s。.]))(" + "|".join(_SPEECH_LABELS) + r")\s*[:：]\s*", re.I | re.M
)
_ROLE_EN = re.compile(
    r"^(?:you\s+are|you're|act\s+as|acting\s+as|pretend\s+to\s+be|imagine\s+you\s+are)\s+"
    r"(an?\s+.{2,60}?)(?:\s*[,.;:]\s*|\s+and\s+|$)",
    re.I,
)
_ROLE_ZH = re.compile(r"^(?:你是|请你?扮演|扮演|作为)(一[位名个][^，。；,;\n]{1,20})[，。；,;]?")
_SPEECH_LEAD = re.compile(r"^\s*[\[(（【]([^\])）】]{1,200})[\])）】]\s*")


@dataclass(frozen=True)
class Analysis:
    target: Target
    text: str
    language: str  # "en", "zh", "ja" or "ko"
    core: str  # the subject / theme / text / task, cleaned
    given: dict[str, str] = field(default_factory=dict)  # field -> the user's own clause
    mentioned: dict[str, str] = field(default_factory=dict)  # field -> first matching phrase
    negatives: tuple[str, ...] = ()
    inline_negatives: tuple[str, ...] = ()  # "without people" left inside the positive text
    style_id: StyleId | None = None  # a style preset the idea names
    bpm: int | None = None
    seconds: float | None = None
    vague: tuple[str, ...] = ()
    cue_text: str = ""  # what the rules read for cues: the core and the user's clauses
    detail: int = 0  # how much the core says: content words (Chinese: characters / 2)

    @property
    def missing(self) -> list[str]:
        return [spec.name for spec in aspect_fields(self.target) if spec.name not in self.mentioned]


def detect_language(text: str) -> str:
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    han = len(_HAN.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    return "zh" if han and han >= latin else "en"


def content_words(text: str) -> set[str]:
    """Words that carry meaning: lower-case English words (no stop words), Chinese characters."""
    words = {
        w.lower().removesuffix("s")
        for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text)
        if len(w) > 2 and w.lower() not in lexicon.STOPWORDS
    }
    return words | {c for c in _HAN.findall(text) if c not in _HAN_STOP}


def detail_of(text: str) -> int:
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    english = [w for w in words if w.lower() not in lexicon.STOPWORDS]
    han = [c for c in _HAN.findall(text) if c not in _HAN_STOP]
    return len(english) + math.ceil(len(han) / 2)


def clean_core(text: str, target: Target) -> str:
    """Strip request filler ("draw me a picture of", "请画一张…的图片") from a subject or theme."""
    text = text.strip().strip(" .。!！")
    if target in (Target.speech, Target.chat):
        return text
    cleaned = _EN_FILLER.sub("", text, count=1)
    if target is Target.music:
        cleaned = _EN_MUSIC.sub("", cleaned, count=1)
    cleaned = _ZH_POLITE.sub("", cleaned)
    cleaned = _ZH_VERB_MEASURE.sub("", cleaned)
    cleaned = _ZH_ABOUT.sub("", cleaned)
    cleaned = _ZH_SUFFIX.sub("", cleaned).strip(" ,，")
    return cleaned or text


def split_clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT.split(text) if c and c.strip(" .。")]


def _match_field(clause: str, target: Target) -> str | None:
    for spec in aspect_fields(target):
        if clause in lexicon.ASPECTS[spec.name]:
            return spec.name
    return None


def _split_role(core: str) -> tuple[str, str | None]:
    """'Act as a travel agent and plan a trip' -> ('plan a trip', 'a travel agent') for chat."""
    match = _ROLE_EN.match(core) or _ROLE_ZH.match(core)
    if match is None:
        return core, None
    rest = core[match.end() :].strip(" ,，。.;；")
    return (rest[:1].upper() + rest[1:]) if rest else core, match.group(1).strip()


def _split_action(core: str) -> tuple[str, str | None]:
    """'a fox running through snow' -> ('a fox', 'running through snow') for video."""
    match = lexicon.ACTION.pattern.search(core)
    if match is None or match.start() == 0:
        return core, None
    subject = re.sub(r"(?:正在|在|正)$", "", core[: match.start()].strip(" ,，"))
    if detail_of(subject) < 1:
        return core, None
    return subject, core[match.start() :].strip()


def _speech_parts(text: str) -> tuple[str, dict[str, str]]:
    """(the words to speak, directions by field) for the speech target."""
    given: dict[str, str] = {}
    lead = _SPEECH_LEAD.match(text)
    if lead:
        for clause in split_clauses(lead.group(1)):
            name = _match_field(clause, Target.speech) or "tone"
            given[name] = f"{given[name]}, {clause}" if name in given else clause
        text = text[lead.end() :]
    labels = list(_SPEECH_LABEL.finditer(text))
    if not labels:
        return text.strip(), given
    spoken = text[: labels[0].start()].strip()
    for i, match in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value = text[match.end() : end].strip()
        name = _SPEECH_LABELS[match.group(1).lower()]
        if name == "text":
            spoken = f"{spoken} {value}".strip()
            continue
        value = value.rstrip("。.").strip()
        if value:
            given[name] = value
    return spoken, given


def analyze(text: str, target: Target) -> Analysis:
    text = text.strip()
    language = detect_language(text)
    given: dict[str, str] = {}
    negatives: list[str] = []
    if target is Target.speech:
        core, given = _speech_parts(text)
        scanned = " ".join(given.values())
    else:
        clauses = split_clauses(text) or [text]
        kept = [clauses[0]]
        for clause in clauses[1:]:
            if target in NEGATIVE_TARGETS and _NEGATIVE_LEAD.match(clause):
                negatives.append(_NEGATIVE_LEAD.sub("", clause).strip())
                continue
            name = _match_field(clause, target)
            if name is None:
                kept.append(clause)
            else:
                given[name] = f"{given[name]}, {clause}" if name in given else clause
        separator = "，" if language == "zh" else ", "
        core = clean_core(separator.join(kept), target)
        if target is Target.chat and "role" not in given:
            core, role = _split_role(core)
            if role:
                given["role"] = role
        if target is Target.video and "action" not in given:
            core, action = _split_action(core)
            if action:
                given["action"] = action
        scanned = text
    inline: list[str] = []
    if target in NEGATIVE_TARGETS:
        trailing = _TRAILING_WITHOUT.search(core)
        if trailing:  # "a beach without people": people go to the negative prompt
            inline.append(trailing.group(0).strip())
            negatives.append(trailing.group(1).strip())
            core = core[: trailing.start()].strip()
    mentioned: dict[str, str] = {}
    for spec in aspect_fields(target):
        if spec.name in given:
            mentioned[spec.name] = given[spec.name]
            continue
        found = lexicon.ASPECTS[spec.name].find(scanned)
        if found:
            mentioned[spec.name] = found
    bpm = _BPM.search(text)
    seconds = _SECONDS.search(text)
    return Analysis(
        target=target,
        text=text,
        language=language,
        core=core,
        given=given,
        mentioned=mentioned,
        negatives=tuple(n for n in negatives if n),
        inline_negatives=tuple(inline),
        style_id=detect_style(text),
        bpm=int(bpm.group(1)) if bpm and 30 <= int(bpm.group(1)) <= 240 else None,
        seconds=float(seconds.group(1)) if seconds and 0 < float(seconds.group(1)) <= 600 else None,
        vague=tuple(dict.fromkeys(v.lower() for v in lexicon.VAGUE.findall(core))),
        cue_text=" ".join([core, *given.values()]),
        detail=detail_of(core),
    )
