"""A local OpenAI-compatible server speaking the protocol as PROVIDERS.md §1 documents it.

It checks what a real server checks (Bearer key, paths, required fields, multipart
fields), streams chat as `data:` chunks ending in `data: [DONE]` with the usage chunk,
answers with the documented error body, and can be scripted to fail, stall or misbehave.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

API_KEY = "sk-test-0123456789abcdefSECRET"
REPLY = ["Hello", " from", " the", " fake", " server", "."]
USAGE = {"prompt_tokens": 11, "completion_tokens": 6, "total_tokens": 17}
MODELS = [
    "gpt-test", "gpt-image-1", "whisper-1", "whisper-large-v3", "text-embedding-3-small",
    "tts-1", "tts-1-hd",
]  # fmt: skip


def unknown_model(model: str) -> JSONResponse:
    """What the API answers for a model it does not serve."""
    return JSONResponse(
        error_body(f"The model `{model}` does not exist.", "invalid_request_error",
                   "model_not_found"),
        status_code=404,
    )  # fmt: skip


def error_body(message: str, type_: str, code: str | None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def wav_bytes(seconds: float = 0.5, rate: int = 24000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x10" * int(seconds * rate))
    return out.getvalue()


@dataclass
class FakeOpenAI:
    """What the server saw, and what it should do next."""

    requests: list[dict[str, Any]] = field(default_factory=list)
    # (status, body, headers) answered before the real response, one per request.
    failures: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    # When set, chat streams wait on `gate` after this many tokens.
    pause_after: int | None = None
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    # ... and wait on `release` (set when the test ends) after this many.
    hold_after: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    stall: bool = False  # never answer (timeouts)
    malformed: bool = False  # answer 200 with a body that breaks the protocol
    image_url: str | None = None  # answer images with this url instead of b64_json
    image_usage: bool = True  # gpt-image answers carry token usage; dall-e ones do not
    stream_closed_early: bool = False
    tokens_sent: int = 0
    # After this many tokens: a `data: {"error": ...}` event (or, with finish_reason set,
    # a last chunk finishing with it, e.g. content_filter).
    error_after: int | None = None
    finish_reason: str | None = None
    # False: no GET /v1/models route at all (a server that lists no models answers 404).
    lists_models: bool = True

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                *([Route("/v1/models", self.models, methods=["GET"])] if self.lists_models else []),
                Route("/v1/chat/completions", self.chat, methods=["POST"]),
                Route("/v1/images/generations", self.images, methods=["POST"]),
                Route("/v1/audio/speech", self.speech, methods=["POST"]),
                Route("/v1/audio/transcriptions", self.transcriptions, methods=["POST"]),
                Route("/files/{name}", self.file, methods=["GET"]),
            ]
        )

    async def _gatekeeper(self, request: Request, body: Any) -> Response | None:
        port = request.client.port if request.client else None  # one per connection
        self.requests.append(
            {"path": request.url.path, "headers": dict(request.headers), "body": body,
             "port": port}
        )  # fmt: skip
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return JSONResponse(
                error_body(
                    "Incorrect API key provided: sk-te***CRET. You can find your API key "
                    "at https://platform.openai.com/account/api-keys.",
                    "invalid_request_error",
                    "invalid_api_key",
                ),
                status_code=401,
            )
        if self.failures:
            status, failure, headers = self.failures.pop(0)
            return JSONResponse(failure, status_code=status, headers=headers)
        if self.stall:
            await self.release.wait()
        return None

    async def models(self, request: Request) -> Response:
        if (refused := await self._gatekeeper(request, None)) is not None:
            return refused
        data = [{"id": m, "object": "model", "created": 1700000000, "owned_by": "system"}
                for m in MODELS]  # fmt: skip
        return JSONResponse({"object": "list", "data": data})

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        if (refused := await self._gatekeeper(request, body)) is not None:
            return refused
        if not isinstance(body.get("model"), str) or not isinstance(body.get("messages"), list):
            return JSONResponse(
                error_body("'model' and 'messages' are required", "invalid_request_error", None),
                status_code=400,
            )
        for message in body["messages"]:
            if message.get("role") not in {"system", "developer", "user", "assistant", "tool"}:
                return JSONResponse(
                    error_body("invalid role", "invalid_request_error", None), status_code=400
                )
        if self.malformed:
            return Response("data: {not json\n\n", media_type="text/event-stream")
        if not body.get("stream"):
            return JSONResponse(self._completion(body))
        include_usage = (body.get("stream_options") or {}).get("include_usage", False)
        return StreamingResponse(
            self._stream(body["model"], include_usage), media_type="text/event-stream"
        )

    def _completion(self, body: dict[str, Any]) -> dict[str, Any]:
        wants_json = (body.get("response_format") or {}).get("type") == "json_object"
        content = json.dumps({"title": "A fake title"}) if wants_json else "".join(REPLY)
        return {
            "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000,
            "model": body["model"],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                         "refusal": None}, "logprobs": None, "finish_reason": "stop"}],
            "usage": USAGE,
        }  # fmt: skip

    async def _stream(self, model: str, include_usage: bool) -> AsyncIterator[bytes]:
        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
            payload = {
                "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1700000000,
                "model": model, "system_fingerprint": "fp_1",
                "choices": [{"index": 0, "delta": delta, "logprobs": None,
                             "finish_reason": finish}],
                **({"usage": None} if include_usage else {}), **extra,
            }  # fmt: skip
            return f"data: {json.dumps(payload)}\n\n".encode()

        sent = 0
        try:
            yield chunk({"role": "assistant", "content": "", "refusal": None})
            for token in REPLY:
                if self.pause_after is not None and sent == self.pause_after:
                    await self.gate.wait()
                if self.hold_after is not None and sent == self.hold_after:
                    await self.release.wait()
                if self.error_after is not None and sent == self.error_after:
                    if self.finish_reason:
                        yield chunk({}, self.finish_reason)
                    else:
                        failure = error_body("The server had an error", "server_error", None)
                        yield f"data: {json.dumps(failure)}\n\n".encode()
                    return
                yield chunk({"content": token})
                sent += 1
                self.tokens_sent = sent
            yield chunk({}, "stop")
            if include_usage:
                final = {"id": "chatcmpl-1", "choices": [], "usage": USAGE}
                yield f"data: {json.dumps(final)}\n\n".encode()
            yield b"data: [DONE]\n\n"
        finally:
            self.stream_closed_early = sent < len(REPLY)

    async def images(self, request: Request) -> Response:
        body = await request.json()
        if (refused := await self._gatekeeper(request, body)) is not None:
            return refused
        if not body.get("prompt"):
            return JSONResponse(
                error_body("'prompt' is required", "invalid_request_error", None), status_code=400
            )
        if self.malformed:
            return JSONResponse({"created": 1, "data": [{"b64_json": "@@not-base64@@"}]})
        item = (
            {"url": self.image_url}
            if self.image_url
            else {"b64_json": base64.b64encode(png_bytes()).decode()}
        )
        usage = {"input_tokens": 9, "output_tokens": 272, "total_tokens": 281,
                 "input_tokens_details": {"text_tokens": 9, "image_tokens": 0}}  # fmt: skip
        reply = {"created": 1700000000, "data": [item]}
        return JSONResponse({**reply, "usage": usage} if self.image_usage else reply)

    async def file(self, request: Request) -> Response:
        return Response(png_bytes(), media_type="image/png")

    async def speech(self, request: Request) -> Response:
        body = await request.json()
        if (refused := await self._gatekeeper(request, body)) is not None:
            return refused
        if not body.get("input") or not body.get("voice") or not body.get("model"):
            return JSONResponse(
                error_body("model, input and voice are required", "invalid_request_error", None),
                status_code=400,
            )
        if body["model"] not in MODELS or "tts" not in body["model"]:
            return unknown_model(str(body["model"]))
        if self.malformed:
            return Response(b"ID3\x03\x00not a wav", media_type="audio/mpeg")
        return Response(wav_bytes(), media_type="audio/wav")

    async def transcriptions(self, request: Request) -> Response:
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        size = len(await upload.read()) if upload is not None and not isinstance(upload, str) else 0
        if (refused := await self._gatekeeper(request, {**fields, "file_size": size})) is not None:
            return refused
        if not size or not fields.get("model"):
            return JSONResponse(
                error_body("file and model are required", "invalid_request_error", None),
                status_code=400,
            )
        if fields["model"] not in MODELS or "whisper" not in fields["model"]:
            return unknown_model(fields["model"])
        if fields.get("response_format") != "verbose_json":
            return JSONResponse({"text": "Hello there. General Kenobi."})
        return JSONResponse({
            "task": "transcribe", "language": "english", "duration": 2.5,
            "text": "Hello there. General Kenobi.",
            "segments": [
                {"id": 0, "seek": 0, "start": 0.0, "end": 1.2, "text": " Hello there.",
                 "tokens": [1], "temperature": 0.0, "avg_logprob": -0.2,
                 "compression_ratio": 1.0, "no_speech_prob": 0.01},
                {"id": 1, "seek": 0, "start": 1.2, "end": 2.5, "text": " General Kenobi.",
                 "tokens": [2], "temperature": 0.0, "avg_logprob": -0.2,
                 "compression_ratio": 1.0, "no_speech_prob": 0.01},
            ],
            "usage": {"type": "duration", "seconds": 3},
        })  # fmt: skip
