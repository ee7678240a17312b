"""When the text model fails, is missing or answers nonsense, the rules still answer in full."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from fastapi import FastAPI

from creative_hub.prompts.templates import Target, field_names
from creative_hub.providers.base import (
    Capability,
    ModelInfo,
    ProviderError,
    ProviderInfo,
    TextRequest,
    TextUsage,
)
from creative_hub.settings import Settings
from creative_hub.usage import service as usage_service
from tests.support.api import register


class ScriptedText:
    """A text provider that fails, is unavailable, or answers with `answer`."""

    def __init__(
        self,
        name: str,
        *,
        fail: bool = False,
        available: bool = True,
        answer: Any = None,
        languages: tuple[str, ...] = (),
    ) -> None:
        self.name, self.fail, self.available, self.answer = name, fail, available, answer
        self.languages = languages
        self.requests: list[TextRequest] = []

    def describe(self) -> ProviderInfo:
        return ProviderInfo(
            name=self.name,
            capability=Capability.text,
            models=(ModelInfo("m1", "M1", languages=self.languages),),
            neural=True,
            label=self.name,
            available=self.available,
            unavailable_reason=None if self.available else "switched off for the test",
        )

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncIterator[str]:
        raise ProviderError("not_supported", "no streaming here")
        yield ""  # pragma: no cover

    async def generate_json(
        self, request: TextRequest, schema: dict[str, Any], usage: TextUsage | None = None
    ) -> dict[str, Any]:
        self.requests.append(request)
        if self.fail:
            raise ProviderError("generation_failed", "The model crashed.")
        if usage is not None:
            usage.prompt_tokens, usage.completion_tokens = 100, 20
        return dict(self.answer or {})


def _install(app: FastAPI, provider: ScriptedText) -> ScriptedText:
    def factory(_settings: Settings) -> ScriptedText:
        return provider

    app.state.runtime.providers.register(Capability.text, provider.name, factory)
    return provider


async def _all_calls(
    client: httpx.AsyncClient, headers: dict[str, str], model: str
) -> list[dict[str, Any]]:
    results = []
    for target in Target:
        for path, extra in (("enhance", {}), ("variations", {"count": 3}), ("critique", {})):
            body = {"prompt": "a boat on a lake", "target": target.value, "model": model, **extra}
            r = await client.post(f"/api/prompts/{path}", json=body, headers=headers)
            assert r.status_code == 200, r.text
            result = r.json()
            for item in result.get("items", [result]):
                if "fields" in item:
                    assert list(item["fields"]) == list(field_names(target))
                    assert all(v.strip() for v in item["fields"].values())
            results.append(result)
    return results


async def test_a_failing_model_falls_back_to_the_rules(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    broken = _install(app, ScriptedText("broken", fail=True))
    user = await register(client)
    for result in await _all_calls(client, user["headers"], "broken/m1"):
        assert result["used_model"] is False
        assert result["model_note"]
    assert broken.requests  # it was asked, and its failure did not fail the request
    r = await client.post(
        "/api/prompts/enhance",
        json={"prompt": "a cat", "target": "image", "model": "broken"},
        headers=user["headers"],
    )
    body = r.json()
    assert body["model"] == "broken/m1" and "crashed" in body["model_note"]
    assert set(body["sources"].values()) <= {"user", "rules"}


async def test_an_unavailable_model_is_not_called(app: FastAPI, client: httpx.AsyncClient) -> None:
    off = _install(app, ScriptedText("off", available=False))
    user = await register(client)
    for result in await _all_calls(client, user["headers"], "off/m1"):
        assert result["used_model"] is False
    assert off.requests == []
    r = await client.post(
        "/api/prompts/enhance",
        json={"prompt": "a cat", "target": "image", "model": "off"},
        headers=user["headers"],
    )
    assert r.json()["model_note"] == "switched off for the test" and r.json()["model"] is None


async def test_nonsense_answers_are_dropped(app: FastAPI, client: httpx.AsyncClient) -> None:
    _install(
        app,
        ScriptedText(
            "babbler",
            answer={
                "subject": "The Lost City of Eldaroth",
                "action": "x",
                "theme": "1.0.3.3",
                "mood": "beachcombiner",
                "tone": "{}",
                "emphasis": ["zebra"],
                "role": "remote work",
                "task": "furthermore furthermore furthermore",
                "versions": ["1.0.3.3", "2.0.1.2"],
            },
        ),
    )
    user = await register(client)
    for result in await _all_calls(client, user["headers"], "babbler/m1"):
        assert result["used_model"] is False
        assert "did not pass" in result["model_note"] or "verbatim" in result["model_note"]
        assert "Eldaroth" not in str(result)


async def test_good_answers_are_merged_and_their_tokens_counted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    scripted = _install(
        app,
        ScriptedText(
            "helper",
            answer={
                "subject": "a wooden rowing boat drifting on a misty mountain lake",
                "versions": [
                    "a red rowing boat on a glassy lake at dawn",
                    "an old fishing boat moored on a frozen lake",
                ],
            },
        ),
    )
    user = await register(client)
    r = await client.post(
        "/api/prompts/enhance",
        json={
            "prompt": "a boat on a lake",
            "target": "image",
            "model": "helper/m1",
            "style": "anime",
        },
        headers=user["headers"],
    )
    body = r.json()
    assert body["used_model"] is True and body["model"] == "helper/m1"
    assert body["fields"]["subject"] == "a wooden rowing boat drifting on a misty mountain lake"
    assert body["sources"]["subject"] == "model" and body["sources"]["style"] == "style"
    assert body["prompt"].startswith("a wooden rowing boat")
    request = scripted.requests[-1]
    assert request.model == "m1" and request.seed is not None and request.max_tokens <= 200
    r = await client.post(
        "/api/prompts/variations",
        json={"prompt": "a boat on a lake", "target": "image", "model": "helper/m1", "count": 4},
        headers=user["headers"],
    )
    items = r.json()["items"]
    assert r.json()["used_model"] is True
    subjects = [item["fields"]["subject"] for item in items]
    assert subjects[0] == "a red rowing boat on a glassy lake at dawn"
    assert subjects[1] == "an old fishing boat moored on a frozen lake"
    assert len({item["prompt"] for item in items}) == 4
    async with app.state.runtime.sessionmaker() as session:
        ledger = await usage_service.this_month(session, uuid.UUID(user["user"]["id"]))
    assert ledger["totals"]["tokens"] == 2 * 120  # two calls, 100 + 20 tokens each
    assert {row["provider"] for row in ledger["by_capability"]} == {"helper"}


async def test_the_embedded_model_is_consulted(app: FastAPI, client: httpx.AsyncClient) -> None:
    info = app.state.runtime.providers.info(Capability.text)
    user = await register(client)
    r = await client.post(
        "/api/prompts/enhance",
        json={"prompt": "a lighthouse on a cliff at night", "target": "image"},
        headers=user["headers"],
    )
    body = r.json()
    if not info.available:
        assert body["used_model"] is False and body["model"] is None
        return
    assert body["model"] == f"{info.name}/{info.models[0].id}"
    assert body["used_model"] == ("model" in body["sources"].values())
    assert "lighthouse" in body["fields"]["subject"].lower()


async def test_a_model_is_not_asked_to_write_a_language_it_lacks(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    english = _install(app, ScriptedText("english", languages=("en",), answer={}))
    user = await register(client)
    body = {"prompt": "一只在雨中的猫", "target": "image", "model": "english/m1"}
    r = await client.post("/api/prompts/enhance", json=body, headers=user["headers"])
    assert r.status_code == 200, r.text
    assert r.json()["used_model"] is False and "writes only en" in r.json()["model_note"]
    assert "猫" in r.json()["fields"]["subject"]
    assert english.requests == []
    body["prompt"] = "a cat in the rain"
    await client.post("/api/prompts/enhance", json=body, headers=user["headers"])
    assert len(english.requests) == 1
