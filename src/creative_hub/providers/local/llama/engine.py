"""llama.cpp embedded in this process through xllamacpp: one server per model configuration.

xllamacpp runs llama.cpp's own server: continuous batching over `slots` parallel
sequences, the GGUF's chat template, stop strings, seeds, and JSON-schema constrained
sampling (LLGuidance). Methods that run the model or its HTTP side block: call them
from a worker thread.
"""

from __future__ import annotations

import http.client
import importlib
import json
import os
import secrets
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import structlog

from creative_hub.providers.base import ProviderError

log = structlog.get_logger(__name__)

Message = Mapping[str, str]
_COMPACT_JSON = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}
# Receives each piece of text; returns True to stop generating (the consumer went away).
OnPiece = Callable[[str], bool]


@dataclass(frozen=True)
class EngineConfig:
    model_path: Path
    context_window: int  # tokens per slot (per concurrent sequence)
    threads: int
    slots: int


@dataclass
class ChatOutcome:
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stopped: bool = False  # on_piece asked to stop before the model finished


class LlamaEngine:
    def __init__(self, config: EngineConfig) -> None:
        _prefer_passive_openmp()
        xlc: Any = importlib.import_module("xllamacpp")
        self._xlc = xlc
        self.config = config
        params = xlc.CommonParams()
        params.model.path = str(config.model_path)
        # llama.cpp splits n_ctx evenly over the parallel slots.
        params.n_ctx = config.context_window * config.slots
        params.n_parallel = config.slots
        params.cpuparams.n_threads = config.threads
        params.cpuparams_batch.n_threads = config.threads
        params.n_threads_http = 2
        params.verbosity = -1  # llama.cpp logs to stderr otherwise
        # The embedded server also listens on a random 127.0.0.1 port (used here only
        # to count tokens); a per-process key keeps other local users out.
        self._api_key = secrets.token_urlsafe(24)
        params.api_keys = [self._api_key]
        try:
            self._server: Any = xlc.Server(params)
        except RuntimeError as exc:
            raise ProviderError(
                "model_unavailable",
                f"llama.cpp could not load {config.model_path}: {exc} "
                "Check that it is a complete GGUF model file.",
            ) from exc
        address = urlsplit(self._server.listening_address)
        self._host = address.hostname or "127.0.0.1"
        self._port = address.port or 80

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens of the templated prompt (with the assistant header), as the model sees it."""
        reply = self._post("/v1/chat/completions/input_tokens", {"messages": list(messages)})
        return int(reply["input_tokens"])

    def json_grammar(self, schema: Mapping[str, Any]) -> str:
        """The sampling grammar for `schema`, asking for compact JSON.

        This build compiles schemas with LLGuidance; its options fix the separators, so
        the model spends no tokens on indentation (about 17% of a pretty-printed script).
        A `json_schema` request field would drop those options, hence a ready grammar.
        """
        return str(self._xlc.json_schema_to_grammar({**schema, "x-guidance": _COMPACT_JSON}))

    def stream_chat(self, body: Mapping[str, Any], on_piece: OnPiece) -> ChatOutcome:
        """Runs one chat completion, handing text to `on_piece` as it is sampled."""
        outcome = ChatOutcome()
        errors: list[Mapping[str, Any]] = []

        def on_chunk(chunk: Mapping[str, Any]) -> bool:
            # An exception must not escape into llama.cpp's thread: turn it into a stop.
            try:
                if "error" in chunk:
                    errors.append(chunk["error"])
                    return True
                usage = chunk.get("usage")
                if usage:
                    outcome.prompt_tokens = int(usage.get("prompt_tokens", 0))
                    outcome.completion_tokens = int(usage.get("completion_tokens", 0))
                for choice in chunk.get("choices") or ():
                    if choice.get("finish_reason"):
                        outcome.finish_reason = choice["finish_reason"]
                    content = (choice.get("delta") or {}).get("content")
                    if content and on_piece(content):
                        outcome.stopped = True
                        return True
                return False
            except Exception as exc:
                errors.append({"type": "callback_error", "message": repr(exc)})
                return True

        request = dict(body)
        request["stream"] = True
        request["stream_options"] = {"include_usage": True}
        self._server.handle_chat_completions(request, on_chunk)
        if errors:
            raise _provider_error(errors[0])
        return outcome

    def reply(self, body: Mapping[str, Any]) -> str:
        """One chat completion in a single call (not cancellable: prefer stream_chat)."""
        result: Mapping[str, Any] = self._server.handle_chat_completions({**body, "stream": False})
        if "error" in result:
            raise _provider_error(result["error"])
        return str(result["choices"][0]["message"]["content"] or "")

    def _post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        connection = http.client.HTTPConnection(self._host, self._port, timeout=60)
        try:
            connection.request(
                "POST",
                path,
                body=json.dumps(body),
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {self._api_key}",
                },
            )
            response = connection.getresponse()
            payload: dict[str, Any] = json.loads(response.read() or b"{}")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise ProviderError(
                "generation_failed", f"The embedded llama.cpp server did not answer: {exc}"
            ) from exc
        finally:
            connection.close()
        if response.status != 200 or "error" in payload:
            raise _provider_error(payload.get("error") or {"message": str(payload)})
        return payload


def _provider_error(error: Mapping[str, Any]) -> ProviderError:
    kind = str(error.get("type", ""))
    message = str(error.get("message", "unknown error"))
    if kind == "exceed_context_size_error":
        return ProviderError(
            "context_overflow",
            f"The prompt does not fit the model's context window: {message}. "
            "Shorten the system prompt or the last message, or raise text_context_window.",
        )
    if kind == "invalid_request_error":
        return ProviderError("invalid_request", f"llama.cpp rejected the request: {message}")
    return ProviderError("generation_failed", f"llama.cpp failed: {message}")


def _prefer_passive_openmp() -> None:
    """Make OpenMP threads sleep, not spin, between tokens (process-wide, before loading).

    llama.cpp's CPU backend runs on libgomp, whose default is to spin while waiting. When
    another process wants the same cores (the web server, a worker encoding video), two
    spinning threads fight it and generation fell from ~30 to ~1.3 tokens/s here; with
    PASSIVE it barely changes. libgomp reads the variable once, when it is first loaded.
    """
    if "OMP_WAIT_POLICY" in os.environ:
        return
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            already = "libgomp" in maps.read()
    except OSError:
        return
    if already:
        log.warning(
            "llama.openmp_loaded_before_engine",
            hint="set OMP_WAIT_POLICY=PASSIVE in the environment before the process starts",
        )


_engines: dict[EngineConfig, LlamaEngine] = {}
_engines_lock = threading.Lock()


def engine_for(config: EngineConfig) -> LlamaEngine:
    """The process-wide engine for `config`, loaded on first use (blocking: call in a thread).

    Several providers built from equal settings (one registry per app) share one model.
    """
    with _engines_lock:
        engine = _engines.get(config)
        if engine is None:
            engine = LlamaEngine(config)
            _engines[config] = engine
        return engine
