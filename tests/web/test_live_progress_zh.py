"""In a browser on a Chinese page, progress messages that arrive over SSE in English (as
the API sends them) are shown in Chinese by app.js (its table: /i18n/known-text.json)."""

from __future__ import annotations

import asyncio

import pytest
from fastapi import FastAPI
from playwright.async_api import expect

from creative_hub.models.enums import TaskType
from creative_hub.tasks.registry import HandlerRegistry, JobContext, JobResult
from tests.support.tasks import create_task
from tests.web.conftest import NewPage, sign_up


@pytest.fixture
def steps(handlers: HandlerRegistry) -> list[asyncio.Event]:
    """Speech that reports two English messages, each once the test lets it go on."""
    gates = [asyncio.Event(), asyncio.Event(), asyncio.Event()]

    async def speak(ctx: JobContext) -> JobResult:
        await gates[0].wait()
        await ctx.progress(40, "Speaking 2 sentence(s) with Mandarin Chinese (espeak-ng)")
        await gates[1].wait()
        await ctx.progress(70, "Sentence 2 of 2")
        await gates[2].wait()
        return JobResult(output_data={}, provider="test", model="gated")

    handlers.register(TaskType.speech, speak)
    return gates


async def test_sse_progress_is_shown_in_chinese(
    steps: list[asyncio.Event], new_page: NewPage, app: FastAPI
) -> None:
    page = await new_page(locale="zh-CN")
    user = await sign_up(page)
    task_id = await create_task(app, user["user"]["id"], {"text": "你好"})
    await page.goto("/audio")
    card = page.locator(f"#task-{task_id}")
    await expect(card).to_have_attribute("data-live", "")  # following its events
    message = card.locator("[data-task-message]")

    steps[0].set()
    await expect(message).to_have_text("正在用 普通话（espeak-ng） 朗读 2 句")
    steps[1].set()
    await expect(message).to_have_text("第 2 句，共 2 句")
    steps[2].set()
    await expect(page.locator(f"#task-{task_id}")).to_have_attribute("data-status", "succeeded")
    assert page.console_errors == []  # type: ignore[attr-defined]
