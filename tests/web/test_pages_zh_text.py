"""Chinese pages show option names, labels and progress messages made in English outside
the web layer in Chinese (web/known_text.py), over plain HTTP; the JSON API keeps English."""

from __future__ import annotations

import asyncio
import html
import re
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from creative_hub.models.enums import TaskType
from creative_hub.tasks.registry import HandlerRegistry, JobContext, JobResult, default_registry
from creative_hub.web import feature_forms, known_text
from tests.support.api import wait_for_status
from tests.support.tasks import create_task

ZH = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"}
PROGRESS = "Speaking 2 sentence(s) with Mandarin Chinese (espeak-ng)"


@pytest.fixture
def gate() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture
def handlers(gate: asyncio.Event) -> HandlerRegistry:
    """Speech that reports one English progress message, then waits for the test."""

    async def speak(ctx: JobContext) -> JobResult:
        await ctx.progress(40, PROGRESS)
        await gate.wait()
        return JobResult(output_data={}, provider="test", model="gated")

    registry = default_registry.copy()
    registry.register(TaskType.speech, speak)
    return registry


async def _sign_in(client: httpx.AsyncClient) -> dict[str, str]:
    account = {"email": "zh@example.com", "username": "zhreader", "password": "s3cret-pass"}
    r = await client.post("/api/auth/register", json=account)
    assert r.status_code == 201, r.text
    r = await client.post(
        "/api/auth/session", json={k: account[k] for k in ("username", "password")}
    )
    assert r.status_code == 200, r.text
    return {"X-CSRF-Token": r.json()["csrf_token"]}


def _shown(page: str) -> str:
    """The text a person reads: tags dropped, entities decoded (labels kept as attributes)."""
    return html.unescape(re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", page, flags=re.S))


async def _page(client: httpx.AsyncClient, path: str) -> str:
    r = await client.get(path, headers=ZH)
    assert r.status_code == 200, r.text
    return r.text


def _options(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select id="{select_id}".*?</select>', page, flags=re.S)
    assert select, select_id
    return [html.unescape(t).strip() for t in re.findall(r">([^<]*)</option>", select.group(0))]


async def test_pickers_show_chinese_option_names(client: httpx.AsyncClient) -> None:
    await _sign_in(client)

    music = await _page(client, "/audio?tool=music")
    moods = _options(music, "audio-mood")[1:]  # after "From the description"
    assert "欢快" in moods and "平静" in moods and "神秘" in moods
    assert not [m for m in moods if re.search(r"[A-Za-z]", m)], moods

    speech = await _page(client, "/audio")
    voices = _options(speech, "audio-voice")[1:]
    assert any(v.startswith("普通话（espeak-ng）") for v in voices), voices
    assert any(v.startswith("Joe（美式英语，中等音质）") for v in voices), voices
    assert "Mandarin Chinese" not in _shown(speech) and "(en-US, medium)" not in speech

    effects = await _page(client, "/audio?tool=effects")
    assert '<option value="ocean_waves" label="海浪">' in effects  # the value stays the id

    images = await _page(client, "/images")
    assert '<option value="sunset" label="日落">' in images
    assert "故事板卡片（非神经网络模型） · 本地" in _options(images, "image-model")
    assert "1024 × 576 · 横向" in _options(images, "image-size")
    assert "Storyboard cards" not in images

    videos = await _page(client, "/videos")
    assert "720 × 1280 · 纵向" in _options(videos, "video-size")
    assert _options(videos, "video-motion")[:2] == ["推近", "拉远"]

    dashboard = _shown(await _page(client, "/"))
    for english in ("storyboard renderer", "via llama.cpp", "image to video", "sound effects"):
        assert english not in dashboard
    assert "故事板渲染器，非神经网络模型" in dashboard and "图生视频" in dashboard

    workflows = _shown(await _page(client, "/workflows"))
    assert "讲解视频" in workflows and "咖啡是怎样制作的" in workflows
    assert "Explainer" not in workflows and "how coffee is made" not in workflows


async def test_running_task_progress_is_chinese_on_pages_and_english_in_the_api(
    client: httpx.AsyncClient, gate: asyncio.Event
) -> None:
    csrf = await _sign_in(client)
    r = await client.post("/api/audio/speech", json={"text": "你好"}, headers=csrf)
    assert r.status_code == 202, r.text
    task_id = r.json()["id"]
    for _ in range(200):  # until the job has reported its progress
        task: dict[str, Any] = (await client.get(f"/api/tasks/{task_id}")).json()
        if task["progress_message"]:
            break
        await asyncio.sleep(0.05)
    assert task["progress_message"] == PROGRESS  # the API is unchanged

    chinese = "正在用 普通话（espeak-ng） 朗读 2 句"
    for path in ("/audio", "/", "/history", f"/history/{task_id}"):
        page = _shown(await _page(client, path))
        assert chinese in page, path
        assert "Speaking" not in page and "sentence(s)" not in page, path

    # The table app.js uses for messages that arrive later over SSE.
    table = (await client.get("/i18n/known-text.json", headers=ZH)).json()
    pattern, template = next(t for t in table["templates"] if "sentence" in t[0])
    assert re.match(pattern, PROGRESS) and template == "正在用 {1} 朗读 {0} 句"
    assert table["exact"]["ocean waves"] == "海浪"
    english = (await client.get("/i18n/known-text.json")).json()
    assert english["exact"] == {}
    gate.set()
    await wait_for_status(client, task_id, {}, {"succeeded"})


async def test_a_service_refusal_next_to_its_field_is_chinese(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    csrf = await _sign_in(client)
    form = {"text": "你好", "voice": "nobody"}
    r = await client.post("/audio/speech", data=form, headers={**ZH, **csrf, "HX-Request": "true"})
    assert r.status_code == 422
    error = re.search(r'id="voice-error"[^>]*>([^<]*)<', r.text)
    assert error and html.unescape(error.group(1)).startswith("没有音色 'nobody'。可选音色："), (
        r.text
    )
    # A wrong id in a page's address: the error page, translated.
    missing = await client.get("/audio?reuse=00000000-0000-0000-0000-000000000000", headers=ZH)
    assert missing.status_code == 404 and "找不到该任务。" in missing.text
    me = (await client.get("/api/auth/me")).json()
    music = await create_task(app, me["id"], {"prompt": "jazz"}, TaskType.music, enqueue=False)
    wrong = await client.get(f"/videos?reuse={music}", headers=ZH)  # another kind of task
    assert wrong.status_code == 404 and "找不到该文生视频任务。" in wrong.text


def test_unknown_text_is_shown_as_it_is() -> None:
    assert known_text.localize("zh", "A prompt the user typed") == "A prompt the user typed"
    assert known_text.localize("zh", "Image 2 of 4") == "第 2 张图像，共 4 张"
    assert known_text.localize("zh", "composing calm: A minor, 90 BPM") == (
        "正在作曲（平静）：A 小调，90 BPM"
    )
    assert known_text.localize("en", "Image 2 of 4") == "Image 2 of 4"
    assert known_text.option_label("en", "ocean_waves") == "ocean waves"


def test_a_picked_file_without_a_prompt_is_named_in_the_page_language() -> None:
    zh: Any = SimpleNamespace(state=SimpleNamespace(locale="zh"))  # what locale_of reads
    assert feature_forms._media_label(zh, TaskType.music, {"mood": "calm"}) == "平静"
    assert feature_forms._media_label(zh, TaskType.sound_effect, {}) == "音效"
    assert feature_forms._media_label(zh, TaskType.speech, {"text": "hi"}) == "hi"
