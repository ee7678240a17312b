"""The prompt expert: rules build every result; the language model rewrites parts of it.

Each call first builds the complete result from the rules (compose.build), then asks
the text model once, with a bounded budget (rewrite.py), and merges the values that
pass the checks. A model that is unavailable, fails, is too slow, answers badly, or
does not write the idea's language (SmolLM2 declares English only, so Chinese ideas
are not sent to it) only means the rules' result is returned as is, with
`used_model: false` and a note saying why.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.prompts import angles as angle_rules
from creative_hub.prompts.analysis import analyze
from creative_hub.prompts.compose import Draft, build, vary, with_model
from creative_hub.prompts.critique import critique
from creative_hub.prompts.rewrite import (
    Ask,
    accept_enhance,
    accept_variants,
    enhance_ask,
    too_long_to_rewrite,
    variations_ask,
)
from creative_hub.prompts.schemas import (
    CritiqueRequest,
    CritiqueResponse,
    EnhanceRequest,
    EnhanceResponse,
    StyleList,
    StyleRead,
    Variation,
    VariationsRequest,
    VariationsResponse,
)
from creative_hub.prompts.styles import STYLES
from creative_hub.prompts.templates import Target
from creative_hub.providers.base import Capability, ProviderError, TextUsage
from creative_hub.providers.registry import ProviderRegistry
from creative_hub.usage import service as usage_service
from creative_hub.usage.service import Usage

log = structlog.get_logger(__name__)

# A safety net: the token budget normally keeps a call to 1-3 s on two CPU cores.
MODEL_TIMEOUT_SECONDS = 8.0


@dataclass(frozen=True)
class TextModel:
    provider: str
    model_id: str | None
    label: str  # "<provider>/<model id>"
    languages: tuple[str, ...]  # what the model reads and writes; empty means not stated
    unavailable: str | None  # why the model cannot be used, or None


@dataclass
class ModelAnswer:
    raw: dict[str, Any] | None  # the model's JSON, or None when there is none
    model: str | None  # "<provider>/<model id>" that was consulted
    note: str | None  # why there is no answer


class PromptService:
    def __init__(
        self,
        providers: ProviderRegistry,
        session: AsyncSession | None = None,
        user_id: uuid.UUID | None = None,
    ) -> None:
        self.providers = providers
        self.session = session
        self.user_id = user_id

    # -- the model ----------------------------------------------------------------------

    def _resolve(self, model: str | None) -> TextModel:
        """Raises BadRequest (unknown_provider / unknown_model) before any work is done."""
        resolved = self.providers.resolve(Capability.text, model)
        info = resolved.provider.describe()
        model_id = resolved.model or (info.models[0].id if info.models else None)
        label = f"{resolved.name}/{model_id}" if model_id else resolved.name
        note = None if info.available else info.unavailable_reason or "No text model available."
        model_info = next((m for m in info.models if m.id == model_id), None)
        languages = model_info.languages if model_info else ()
        return TextModel(resolved.name, model_id, label, languages, note)

    async def _ask(self, target: TextModel, ask: Ask | None) -> ModelAnswer:
        if ask is None:
            return ModelAnswer(None, None, "Speech text is spoken verbatim; the rules vary it.")
        if target.unavailable is not None:
            return ModelAnswer(None, None, target.unavailable)
        if too_long_to_rewrite(ask.analysis):
            return ModelAnswer(None, None, "The idea is already longer than a rewrite could be.")
        language = ask.analysis.language
        if target.languages and language not in target.languages:
            # Asking would only cost time: its answer could not keep the idea's language.
            spoken = ", ".join(target.languages)
            note = f"{target.label} writes only {spoken}; the rules wrote this {language} prompt."
            return ModelAnswer(None, None, note)
        generator = self.providers.text(target.provider)
        usage = TextUsage()
        try:
            async with asyncio.timeout(MODEL_TIMEOUT_SECONDS):  # wait_for can eat a cancel
                raw = await generator.generate_json(ask.request, ask.schema, usage)
        except ProviderError as exc:
            log.info("prompt_model_failed", model=target.label, code=exc.code)
            return ModelAnswer(None, target.label, f"The model failed ({exc.code}): {exc.message}")
        except TimeoutError:
            log.warning("prompt_model_timeout", model=target.label)
            return ModelAnswer(
                None, target.label, f"The model took longer than {MODEL_TIMEOUT_SECONDS:g} s."
            )
        finally:
            await self._record(target.provider, target.label, usage)
        return ModelAnswer(raw if isinstance(raw, dict) else None, target.label, None)

    async def _record(self, provider: str, label: str, usage: TextUsage) -> None:
        tokens = usage.prompt_tokens + usage.completion_tokens
        if self.session is not None and self.user_id is not None and tokens:
            await usage_service.record(
                self.session,
                user_id=self.user_id,
                items=[Usage(Capability.text.value, provider, "tokens", tokens, label)],
            )

    @staticmethod
    def _note(answer: ModelAnswer, used: bool) -> str | None:
        if used:
            return None
        return answer.note or "The model's answer did not pass the checks; the rules wrote this."

    # -- the three calls ------------------------------------------------------------------

    async def enhance(self, data: EnhanceRequest) -> EnhanceResponse:
        resolved = self._resolve(data.model)
        draft = build(data.prompt, data.target, data.style)
        ask = enhance_ask(draft.analysis, resolved.model_id)
        answer = await self._ask(resolved, ask)
        values = accept_enhance(draft.analysis, answer.raw, ask.examples_text) if answer.raw else {}
        if values:
            draft = with_model(draft, values)
        return EnhanceResponse(
            prompt=draft.prompt,
            negative_prompt=draft.negative_prompt,
            fields=draft.fields,
            sources=draft.sources,
            target=draft.target,
            style=draft.style,
            language=draft.analysis.language,
            used_model=bool(values),
            model=answer.model,
            model_note=self._note(answer, bool(values)),
        )

    async def variations(self, data: VariationsRequest) -> VariationsResponse:
        resolved = self._resolve(data.model)
        draft = build(data.prompt, data.target, data.style)
        ask = variations_ask(draft.analysis, data.count, resolved.model_id)
        answer = await self._ask(resolved, ask)
        cores: list[str] = []
        if ask is not None and answer.raw is not None:
            cores = accept_variants(draft.analysis, answer.raw, ask.examples_text)
        user, styled = draft.held()
        items: list[Variation] = []
        seen: set[str] = set()
        for angle in angle_rules.choose(data.target, angle_rules.MAX_VARIATIONS, user, styled):
            core = cores[len(items) % len(cores)] if cores else None
            varied, changed = vary(draft, angle, core)
            if varied.prompt in seen:
                continue
            seen.add(varied.prompt)
            items.append(self._variation(varied, angle, changed))
            if len(items) == data.count:
                break
        language = draft.analysis.language
        return VariationsResponse(
            items=items,
            target=draft.target,
            style=draft.style,
            language=language,
            used_model=bool(cores),
            model=answer.model,
            model_note=self._note(answer, bool(cores)),
        )

    @staticmethod
    def _variation(draft: Draft, angle: angle_rules.Angle, changed: list[str]) -> Variation:
        return Variation(
            prompt=draft.prompt,
            negative_prompt=draft.negative_prompt,
            fields=draft.fields,
            sources=draft.sources,
            angle=angle.label.get("zh" if draft.analysis.language == "zh" else "en"),
            angle_id=angle.id,
            changed=changed,
        )

    async def critique(self, data: CritiqueRequest) -> CritiqueResponse:
        self._resolve(data.model)
        result = critique(analyze(data.prompt, data.target))
        improved = await self.enhance(
            EnhanceRequest(prompt=data.prompt, target=data.target, model=data.model)
        )
        improved_score = critique(analyze(improved.prompt, data.target)).score
        return CritiqueResponse(
            score=result.score,
            strengths=result.strengths,
            suggestions=result.suggestions,
            missing=result.missing,
            target=data.target,
            language=improved.language,
            improved_prompt=improved.prompt,
            improved_score=improved_score,
            used_model=improved.used_model,
            model=improved.model,
            model_note=improved.model_note,
        )


def list_styles(target: Target | None = None) -> StyleList:
    targets = [target] if target else list(Target)
    return StyleList(
        items=[
            StyleRead(
                id=preset.id,
                name=preset.name,
                name_zh=preset.name_zh,
                description=preset.description,
                targets={
                    t: {name: words.en for name, words in preset.fields[t].items()} for t in targets
                },
                negative_prompt=preset.negative,
            )
            for preset in STYLES.values()
        ]
    )
