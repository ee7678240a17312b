"""Step 1, script: title, logline and one narration line per scene.

The text model is asked once per scene for one sentence about that scene's beat
(small, focused asks are what SmolLM2-135M answers well; one big ask loops). A line is
kept only when it reads like narration (rules.usable_line); otherwise the template's
line for that beat is used, so a weak or missing model still yields a sensible script.
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

# The first ask also loads the model (a few seconds); later asks take 1-2 s.
MODEL_TIMEOUT_SECONDS = 20.0
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sentence": {"type": "string", "maxLength": 160}},
    "required": ["sentence"],
}


async def _ask(ctx: JobContext, topic: str, tone: str, beat: str) -> str | None:
    request = TextRequest(
        messages=[
            ChatMessage(
                "system",
                f"You write narration for a short {tone} video. Answer with one clear sentence.",
            ),
            ChatMessage("user", f"Video: {topic}. Write the narration for the part about {beat}."),
        ],
        max_tokens=60,
        temperature=0.3,
        seed=7,
    )
    try:
        async with asyncio.timeout(MODEL_TIMEOUT_SECONDS):  # not wait_for: see executor
            answer = await ctx.runtime.providers.text().generate_json(request, SCHEMA)
    except (ProviderError, TimeoutError) as exc:
        log.info("workflow_script_model_unusable", error=repr(exc))
        return None
    return str(answer.get("sentence", ""))


async def run(ctx: JobContext, state: WorkflowState) -> dict[str, Any]:
    options = state.options
    template = TEMPLATES[state.template]
    topic = rules.topic_of(state.idea or template.example_idea)
    target = int(options.duration * rules.WORDS_PER_SECOND / options.scenes)
    fallback = rules.rule_lines(template, topic, options.scenes)
    lines: list[str] = []
    used = 0
    model_ok = True
    for i in range(options.scenes):
        await ctx.check_cancelled()
        line = None
        if model_ok:
            beat = rules.beat_for(template, i, options.scenes)
            raw = await _ask(ctx, topic, options.tone, beat)
            model_ok = raw is not None  # a model that fails once is not asked again
            line = rules.usable_line(raw or "", target, lines)
        used += line is not None
        lines.append(line or fallback[i])
        await state.progress((i + 1) / options.scenes, f"Scene {i + 1} of {options.scenes}")
    script = ScriptData(
        title=topic[:1].upper() + topic[1:200],
        logline=f"A {options.tone} {options.duration:g}-second video: {topic}.",
        scenes=[
            ScriptScene(index=i, narration=line, description=f"{topic}: {line}")
            for i, line in enumerate(lines)
        ],
        used_model=used > 0,
    )
    return script.model_dump(mode="json")
