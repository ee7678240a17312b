"""Merging the sources of each field into one structure, and rendering it.

Every field has exactly one source, in this order of precedence:

1. `user`  — the user wrote it: a clause of its own ("…, golden hour") or words inside
   the core ("a cat at sunset"). Words inside the core are kept and completed by the
   rule's detail ("sunset, warm golden hour backlight…"); for a chat task they are
   pointed back to ("numbered list, as the task asks").
2. `style` — the chosen (or named) style preset sets it.
3. `model` — the language model proposed it and the value passed the checks in
   rewrite.py.
4. `rules` — the rule default, chosen from cues in the idea (defaults.py).

The core (subject, theme, task) comes from the user, or from the model's rewrite of it.
Fields from 1 and 2 are also what variation angles avoid changing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from creative_hub.prompts.analysis import Analysis, analyze
from creative_hub.prompts.angles import Angle, effective_changes
from creative_hub.prompts.defaults import CHAT_MENTIONED, negative_prompt, rule_fields
from creative_hub.prompts.styles import STYLES, StyleId, style_fields
from creative_hub.prompts.templates import Target, core_field, field_language, fields_of, render

Source = Literal["user", "style", "model", "rules"]

# Fields whose word in the core names the value itself (a genre is not "jazz, ambient").
_NAMING_FIELDS = frozenset({"style", "genre"})


@dataclass(frozen=True)
class Draft:
    analysis: Analysis
    style: StyleId | None
    fields: dict[str, str]
    sources: dict[str, Source]
    negative_prompt: str | None

    @property
    def target(self) -> Target:
        return self.analysis.target

    @property
    def prompt(self) -> str:
        return render(self.target, self.fields, self.analysis.language)

    def held(self) -> tuple[set[str], set[str]]:
        """(fields the user set, fields the style set)."""
        user = {k for k, v in self.sources.items() if v == "user"}
        return user, {k for k, v in self.sources.items() if v == "style"}


def _from_core(a: Analysis, name: str, phrase: str, rule: str, styled: str | None) -> str:
    """The value of a field the user named inside the core."""
    lang = field_language(a.target, a.language)
    if a.target is Target.chat:
        return CHAT_MENTIONED[name].get(lang).format(phrase=phrase)
    if name in _NAMING_FIELDS:
        return styled or phrase
    if phrase.lower() in rule.lower():
        return rule
    return f"{phrase}, {rule}"


def build(text: str, target: Target, style: StyleId | None) -> Draft:
    """The rules' structure for `text`: every field filled, no model involved."""
    a = analyze(text, target)
    style = style or a.style_id
    rules = rule_fields(a)
    styled = style_fields(style, target, field_language(target, a.language))
    fields: dict[str, str] = {}
    sources: dict[str, Source] = {}
    for spec in fields_of(target):
        name = spec.name
        if spec.core:
            fields[name], sources[name] = a.core, "user"
        elif name in a.given:
            fields[name], sources[name] = a.given[name], "user"
        elif name in a.mentioned:
            value = _from_core(a, name, a.mentioned[name], rules[name], styled.get(name))
            fields[name], sources[name] = value, "user"
        elif name in styled:
            fields[name], sources[name] = styled[name], "style"
        else:
            fields[name], sources[name] = rules[name], "rules"
    negative = negative_prompt(a, STYLES[style].negative if style else "")
    return Draft(a, style, fields, sources, negative)


def with_model(draft: Draft, values: Mapping[str, str]) -> Draft:
    """Model values replace the core and rule defaults; never the user's or the style's."""
    core = core_field(draft.target)
    fields, sources = dict(draft.fields), dict(draft.sources)
    for name, value in values.items():
        if name == core or sources.get(name) == "rules":
            fields[name], sources[name] = value, "model"
    return replace(draft, fields=fields, sources=sources)


def vary(draft: Draft, angle: Angle, core: str | None = None) -> tuple[Draft, list[str]]:
    """`draft` seen from `angle` (and with another wording of the core, if given).

    Returns the new draft and the names of the fields the angle changed.
    """
    user, styled = draft.held()
    lang = field_language(draft.target, draft.analysis.language)
    changes = effective_changes(angle, user, styled)
    fields, sources = dict(draft.fields), dict(draft.sources)
    for name, words in changes.items():
        fields[name], sources[name] = words.get(lang), "rules"
    if core:
        fields[core_field(draft.target)] = core
        sources[core_field(draft.target)] = "model"
    return replace(draft, fields=fields, sources=sources), list(changes)
