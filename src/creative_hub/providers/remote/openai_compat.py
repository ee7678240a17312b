"""OpenAI-compatible servers (OpenAI, Ollama, vLLM, LM Studio, llama.cpp, LocalAI, OpenRouter).

Wire protocol: PROVIDERS.md §1. The base URL includes the version path
(`https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`); every path is relative to it.
Chat streams `data: {chunk}` events ending with `data: [DONE]`; images, speech and
transcription live in openai_media.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from creative_hub.providers.base import (
    Capability,
    ModelInfo,
    ProviderInfo,
    TextRequest,
    TextUsage,
)
from creative_hub.providers.remote.config import Connection, KindSpec, ModelsByCapability
from creative_hub.providers.remote.openai_media import (
    OpenAIImages,
    OpenAISpeech,
    OpenAITranscriber,
)
from creative_hub.providers.remote.sse import drain, sse_events
from creative_hub.providers.remote.structured import instructed_messages, parse_reply


def _headers(config: Any) -> dict[str, str]:
    headers = {}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    for setting, header in (("organization", "OpenAI-Organization"), ("project", "OpenAI-Project")):
        if config.setting(setting):
            headers[header] = str(config.setting(setting))
    return headers


def model_capability(model_id: str) -> Capability | None:
    """/v1/models says nothing about what a model does: tell by the documented names."""
    name = model_id.lower()
    if "tts" in name and "realtime" not in name:
        return Capability.speech  # addressed beside the voices (see OpenAISpeech)
    if any(word in name for word in ("embed", "moderation", "realtime", "search")):
        return None  # not a chat model
    if "whisper" in name or "transcribe" in name:
        return Capability.transcription
    if any(word in name for word in ("dall-e", "gpt-image", "stable-diffusion", "sdxl", "flux")):
        return Capability.image
    return Capability.text


async def list_models(connection: Connection) -> ModelsByCapability:
    body = await connection.http.json("GET", "models")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise connection.http.malformed("no 'data' list in GET /models")
    models: ModelsByCapability = {}
    for entry in data:
        model_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(model_id, str):
            raise connection.http.malformed("a model without an 'id'")
        capability = model_capability(model_id)
        if capability is not None:
            models.setdefault(capability, []).append(ModelInfo(model_id, model_id))
    for capability in (
        Capability.text,
        Capability.image,
        Capability.speech,
        Capability.transcription,
    ):
        models.setdefault(capability, []).sort(key=lambda m: m.id)
    return models


async def check(connection: Connection) -> str:
    return await connection.check_models("models")


def max_tokens_field(connection: Connection) -> str:
    """OpenAI deprecates max_tokens; compatible servers document only max_tokens."""
    configured = connection.config.setting("max_tokens_field")
    if configured:
        return str(configured)
    host = urlsplit(connection.http.base_url.__str__()).hostname or ""
    return "max_completion_tokens" if host.endswith("openai.com") else "max_tokens"


class OpenAIChat:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    def describe(self) -> ProviderInfo:
        return self.connection.info(Capability.text, supports={"streaming": True})

    def _model(self, request: TextRequest) -> str:
        models = self.connection.models(Capability.text)
        model = request.model or (models[0].id if models else None)
        if not model:
            raise self.http.error("provider_error", "no model given and the provider lists none.")
        return str(model)

    def _body(self, request: TextRequest, messages: list[dict[str, str]]) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self._model(request),
            "messages": messages,
            max_tokens_field(self.connection): request.max_tokens,
            "temperature": request.temperature,
        }
        if request.stop:
            body["stop"] = list(request.stop)[:4]
        if request.seed is not None:
            body["seed"] = request.seed
        return body

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncIterator[str]:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        body = self._body(request, messages)
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
        finished = False
        async with self.http.stream("POST", "chat/completions", json=body) as response:
            events = sse_events(response)
            async for event in events:
                if event.data == "[DONE]":
                    finished = True
                    await drain(events)  # the connection goes back to the pool
                    break
                chunk = self._chunk(event.data)
                if usage is not None and isinstance(chunk.get("usage"), dict):
                    _fill_usage(usage, chunk["usage"])
                for choice in chunk.get("choices") or []:
                    delta = choice.get("delta") or {}
                    if delta.get("content"):
                        yield str(delta["content"])
                    reason = choice.get("finish_reason")
                    if reason == "content_filter":
                        raise self.http.error(
                            "content_rejected", "the reply was stopped by its content filter."
                        )
                    finished = finished or reason is not None
        if not finished:
            raise self.http.malformed("the stream ended before [DONE]")

    def _chunk(self, data: str) -> dict[str, Any]:
        chunk = self.http.event_object(data)
        error = chunk.get("error")
        if error is not None:  # a failure after the 200
            error = error if isinstance(error, dict) else {"message": str(error)}
            kind = f"{error.get('type') or ''} {error.get('code') or ''}".strip()
            raise self.http.event_error(kind, str(error.get("message") or "stream error"))
        return chunk

    async def generate_json(
        self, request: TextRequest, schema: dict[str, Any], usage: TextUsage | None = None
    ) -> dict[str, Any]:
        body = self._body(request, instructed_messages(request.messages, schema))
        mode = self.connection.config.setting("json_mode", "json_object")
        if mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": schema},
            }
        elif mode == "json_object":
            body["response_format"] = {"type": "json_object"}
        reply = await self.http.json("POST", "chat/completions", json=body)
        try:
            text = reply["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise self.http.malformed("no choices[0].message.content") from exc
        if usage is not None and isinstance(reply.get("usage"), dict):
            _fill_usage(usage, reply["usage"])
        filler = request.messages[-1].content if request.messages else ""
        return parse_reply(self.connection.name, str(text), schema, filler)


def _fill_usage(usage: TextUsage, figures: dict[str, Any]) -> None:
    """The provider's own token counts (added up over calls, as the local engine does)."""
    usage.prompt_tokens += int(figures.get("prompt_tokens") or 0)
    usage.completion_tokens += int(figures.get("completion_tokens") or 0)


SPEC = KindSpec(
    kind="openai_compatible",
    label="OpenAI-compatible",
    default_base_url="https://api.openai.com/v1",
    adapters={
        Capability.text: OpenAIChat,
        Capability.image: OpenAIImages,
        Capability.speech: OpenAISpeech,
        Capability.transcription: OpenAITranscriber,
    },
    headers=_headers,
    list_models=list_models,
    check=check,
    requires_api_key=False,  # Ollama, llama.cpp and LM Studio need none
)
