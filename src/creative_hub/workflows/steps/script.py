"""Step 1, script: title, logline and one narration line per scene.

The text model is asked once (structured JSON, short lines); each line it writes is
kept only when it reads like narration (rules.usable_line), otherwise the template's
line for that beat is used, so a weak model still yields a sensible script.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from creative_hub.providers.base import ChatMessage, ProviderError, TextRequest
from creative_hub.tasks.registry import JobContext
from creative_hub.workflows import rules
from creative_hub.workflows.schemas import ScriptData, ScriptScene
from creative_hub.workflows.steps.common import WorkflowState
from creative_hub.workflows.templates import TEMPLATES

log = structlog.get_logger(__name__)

MODEL_TIMEOUT_SECONDS = 25.0


def _schema(scenes: int) -> dict[str, Any]:
    line = {"type": "string", "maxLength": 160}
    return {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 60},
            "scenes": {
                "type": "array",
                "minItems": scenes,
                "maxItems": scenes,
                "items": {
                    "type": "object",
                    "properties": {"narration": line},
                    "required": ["narration"],
                },
            },
        },
        "required": ["title", "scenes"],
    }


async def _ask_model(ctx: JobContext, topic: str, tone: str, scenes: int) -> dict[str, Any]:
    request = TextRequest(
        messages=[
            ChatMessage(
                "system",
                "You write narration for short videos. Each scene's narration is one or two "
                f"short, plain sentences in a {tone} tone. Every scene says something new.",
            ),
            ChatMessage(
                "user",
                f"Topic: {topic}. Write a title and {scenes} scenes. Scene 1 introduces the "
                "topic, the middle scenes explain one part each, the last scene concludes.",
            ),
        ],
        max_tokens=60 + 45 * scenes,
        temperature=0.3,
        seed=7,
    )
    try:
        return await asyncio.wait_for(
            ctx.runtime.providers.text().generate_json(request, _schema(scenes)),
            MODEL_TIMEOUT_SECONDS,
        )
    except (ProviderError, TimeoutError) as exc:
        log.info("workflow_script_model_unusable", error=repr(exc))
        return {}


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    options = state.options
    template = TEMPLATES[state.template]
    topic = rules.topic_of(state.idea or template.example_idea)
    await state.progress(0.05, "Writing the script")
    answer = await _ask_model(ctx, topic, options.tone, options.scenes)
    target = int(options.duration * rules.WORDS_PER_SECOND / options.scenes)
    fallback = rules.rule_lines(template, topic, options.scenes)
    model_lines = [str(s.get("narration", "")) for s in answer.get("scenes", [])]
    lines: list[str] = []
    used = 0
    for i in range(options.scenes):
        line = rules.usable_line(model_lines[i], target, lines) if i < len(model_lines) else None
        used += line is not None
        lines.append(line or fallback[i])
    title = str(answer.get("title", "")).strip()
    if not (3 <= len(title) <= 60 and title.isascii()):
        title = topic[:1].upper() + topic[1:60]
    await state.progress(1.0, "Script written")
    script = ScriptData(
        title=title,
        logline=f"A {options.tone} {options.duration:g}-second video: {topic}.",
        scenes=[
            ScriptScene(index=i, narration=line, description=f"{topic}: {line}")
            for i, line in enumerate(lines)
        ],
        used_model=used > 0,
    )
    return script.model_dump(mode="json")
