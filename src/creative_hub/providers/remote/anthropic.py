"""Anthropic Messages API (PROVIDERS.md §2): chat, streamed as named SSE events.

Base URL without the version (`https://api.anthropic.com`); headers `x-api-key` and
`anthropic-version`. Stream: message_start (input tokens), content_block_delta with
text_delta (the text), message_delta (cumulative output tokens, stop_reason),
message_stop (end; there is no [DONE]); `error` events can follow a 200; `ping` anywhere.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from creative_hub.providers.base import (
    Capability,
    ModelInfo,
    ProviderInfo,
    TextRequest,
    TextUsage,
)
from creative_hub.providers.remote.config import (
    Connection,
    KindSpec,
    ModelsByCapability,
    ProviderConfig,
)
from creative_hub.providers.remote.sse import drain, sse_events
from creative_hub.providers.remote.structured import instructed_messages, parse_reply

API_VERSION = "2023-06-01"


def _headers(config: ProviderConfig) -> dict[str, str]:
    headers = {"anthropic-version": str(config.setting("anthropic_version", API_VERSION))}
    if config.api_key:
        headers["x-api-key"] = config.api_key
    return headers


async def list_models(connection: Connection) -> ModelsByCapability:
    body = await connection.http.json("GET", "v1/models", params={"limit": 1000})
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise connection.http.malformed("no 'data' list in GET /v1/models")
    models = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise connection.http.malformed("a model without an 'id'")
        models.append(ModelInfo(entry["id"], str(entry.get("display_name") or entry["id"])))
    return {Capability.text: models}


async def check(connection: Connection) -> str:
    return await connection.check_models("v1/models", {"limit": 1})


def to_messages(request_messages: Any) -> tuple[str, list[dict[str, str]]]:
    """(system, turns): system messages joined; turns alternate user/assistant and start
    with the user, as the API requires (same-role neighbours are merged)."""
    system = "\n\n".join(m["content"] for m in request_messages if m["role"] == "system")
    turns: list[dict[str, str]] = []
    for m in request_messages:
        if m["role"] == "system":
            continue
        if turns and turns[-1]["role"] == m["role"]:
            turns[-1] = {"role": m["role"], "content": f"{turns[-1]['content']}\n\n{m['content']}"}
        elif turns or m["role"] == "user":
            turns.append({"role": m["role"], "content": m["content"]})
    return system, turns


class AnthropicChat:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.http = connection.http

    def describe(self) -> ProviderInfo:
        return self.connection.info(Capability.text, supports={"streaming": True})

    def _body(self, request: TextRequest, messages: list[dict[str, str]]) -> dict[str, Any]:
        models = self.connection.models(Capability.text)
        model = request.model or (models[0].id if models else None)
        if not model:
            raise self.http.error("provider_error", "no model given and the provider lists none.")
        system, turns = to_messages(messages)
        body: dict[str, Any] = {
            "model": model,
            "max_tokens": request.max_tokens,
            "messages": turns,
            "temperature": min(1.0, max(0.0, request.temperature)),  # Anthropic: 0-1
        }
        if system:
            body["system"] = system
        if request.stop:
            body["stop_sequences"] = list(request.stop)
        return body

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncIterator[str]:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        body = self._body(request, messages)
        body["stream"] = True
        counts = usage if usage is not None else TextUsage()
        base_prompt, base_completion = counts.prompt_tokens, counts.completion_tokens
        finished = False
        async with self.http.stream("POST", "v1/messages", json=body) as response:
            events = sse_events(response)
            async for event in events:
                data = self.http.event_object(event.data) if event.data else {}
                kind = event.event if event.event != "message" else str(data.get("type", ""))
                if kind == "content_block_delta":
                    delta = data.get("delta") or {}
                    if delta.get("type") == "text_delta" and delta.get("text"):
                        yield str(delta["text"])
                elif kind == "message_start":
                    figures = (data.get("message") or {}).get("usage") or {}
                    counts.prompt_tokens = base_prompt + int(figures.get("input_tokens") or 0)
                elif kind == "message_delta":
                    figures = data.get("usage") or {}
                    # output_tokens is cumulative for the message: set, not add.
                    counts.completion_tokens = base_completion + int(
                        figures.get("output_tokens") or 0
                    )
                    if (data.get("delta") or {}).get("stop_reason") == "refusal":
                        raise self.http.error("content_rejected", "the model refused to answer.")
                elif kind == "message_stop":
                    finished = True
                    await drain(events)  # the connection goes back to the pool
                    break
                elif kind == "error":
                    error = data.get("error") or {}
                    raise self.http.event_error(
                        str(error.get("type") or "error"), str(error.get("message") or "error")
                    )
        if not finished:
            raise self.http.malformed("the stream ended before message_stop")

    async def generate_json(
        self, request: TextRequest, schema: dict[str, Any], usage: TextUsage | None = None
    ) -> dict[str, Any]:
        body = self._body(request, instructed_messages(request.messages, schema))
        # Prefilling the reply with "{" keeps the model to a bare JSON object.
        body["messages"].append({"role": "assistant", "content": "{"})
        reply = await self.http.json("POST", "v1/messages", json=body)
        try:
            text = "".join(b["text"] for b in reply["content"] if b.get("type") == "text")
        except (KeyError, TypeError) as exc:
            raise self.http.malformed("no text content in the message") from exc
        if reply.get("stop_reason") == "refusal":
            raise self.http.error("content_rejected", "the model refused to answer.")
        figures = reply.get("usage") or {}
        if usage is not None:
            usage.prompt_tokens += int(figures.get("input_tokens") or 0)
            usage.completion_tokens += int(figures.get("output_tokens") or 0)
        filler = request.messages[-1].content if request.messages else ""
        return parse_reply(self.connection.name, "{" + text, schema, filler)


SPEC = KindSpec(
    kind="anthropic",
    label="Anthropic",
    default_base_url="https://api.anthropic.com",
    adapters={Capability.text: AnthropicChat},
    headers=_headers,
    list_models=list_models,
    check=check,
    requires_api_key=True,
)
