"""The embedded text provider: a GGUF chat model run by llama.cpp in this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from typing import Any

from creative_hub.providers.base import (
    Capability,
    ModelInfo,
    ProviderError,
    ProviderInfo,
    TextRequest,
    TextUsage,
)
from creative_hub.providers.local.engine import LazyEngine
from creative_hub.providers.local.llama import json_mode
from creative_hub.providers.local.llama.bridge import ThreadStream
from creative_hub.providers.local.llama.context import Message, fit
from creative_hub.providers.local.llama.engine import (
    ChatOutcome,
    EngineConfig,
    LlamaEngine,
    OnPiece,
    engine_for,
)
from creative_hub.providers.local.llama.model_files import locate
from creative_hub.settings import Settings

MAX_STOP_SEQUENCES = 16
MAX_SEED = 2**32 - 2  # llama.cpp seeds are uint32; 2**32 - 1 means "random"


class LocalTextGenerator:
    """TextGenerator over llama.cpp (xllamacpp); default model SmolLM2-135M-Instruct."""

    name = "local"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model_file = locate(settings)
        self.model_id = settings.text_model_id
        self.context_window = settings.text_context_window
        self._load_error: str | None = None
        self._engine: LazyEngine[LlamaEngine] | None = None
        if self.model_file.path is not None:
            config = EngineConfig(
                model_path=self.model_file.path,
                context_window=settings.text_context_window,
                threads=settings.text_threads,
                slots=settings.engine_slots,
            )
            self._engine = LazyEngine(lambda: engine_for(config), slots=settings.engine_slots)

    def describe(self) -> ProviderInfo:
        problem = self.model_file.problem or self._load_error
        return ProviderInfo(
            name=self.name,
            capability=Capability.text,
            models=(
                ModelInfo(
                    id=self.model_id,
                    name=self.model_file.name,
                    context_window=self.context_window,
                    languages=("en",) if self.model_file.is_default else (),
                ),
            ),
            neural=True,
            label=f"{self.model_file.name} via llama.cpp (local)",
            local=True,
            supports={"streaming": True, "stop": True, "seed": True, "json_schema": True},
            available=problem is None,
            unavailable_reason=problem,
        )

    async def stream(
        self, request: TextRequest, usage: TextUsage | None = None
    ) -> AsyncGenerator[str, None]:
        """Pieces of the reply as the model samples them; closing the iterator stops it."""
        self._check(request)
        stream = self._generate(
            [{"role": m.role, "content": m.content} for m in request.messages],
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            stop=list(request.stop),
            seed=request.seed,
            usage=usage if usage is not None else TextUsage(),
        )
        async with aclosing(stream) as pieces:
            async for piece in pieces:
                yield piece

    async def generate_json(
        self, request: TextRequest, schema: dict[str, Any], usage: TextUsage | None = None
    ) -> dict[str, Any]:
        """An object that validates against `schema` (a JSON Schema subset, see json_schema).

        `request.stop` is ignored here: a stop string inside a JSON value would cut it.
        """
        self._check(request)
        json_mode.check_object_schema(schema)
        total = usage if usage is not None else TextUsage()
        messages = json_mode.instructed(
            [{"role": m.role, "content": m.content} for m in request.messages], schema
        )

        async def complete(
            constrained: dict[str, Any], seed: int | None, temperature: float
        ) -> json_mode.Completion:
            attempt = TextUsage()
            outcome: list[ChatOutcome] = []
            stream = self._generate(
                messages,
                max_tokens=request.max_tokens,
                temperature=temperature,
                stop=[],
                seed=seed,
                usage=attempt,
                json_schema=constrained,
                outcome=outcome,
            )
            async with aclosing(stream) as pieces:
                text = "".join([piece async for piece in pieces])
            # Every attempt used the model, so all of them count.
            total.prompt_tokens += attempt.prompt_tokens
            total.completion_tokens += attempt.completion_tokens
            total.dropped_messages = max(total.dropped_messages, attempt.dropped_messages)
            return json_mode.Completion(text, outcome[0].finish_reason if outcome else None)

        return await json_mode.structured(
            complete, schema, messages, seed=request.seed, temperature=request.temperature
        )

    async def _generate(
        self,
        messages: list[Message],
        *,
        max_tokens: int,
        temperature: float,
        stop: list[str],
        seed: int | None,
        usage: TextUsage,
        json_schema: dict[str, Any] | None = None,
        outcome: list[ChatOutcome] | None = None,
    ) -> AsyncGenerator[str, None]:
        holder = await self._loaded()
        engine = await holder.get()
        async with holder.slots:
            fitted = await asyncio.to_thread(
                fit, messages, engine.count_prompt_tokens, self.context_window, max_tokens
            )
            usage.prompt_tokens = fitted.prompt_tokens
            usage.dropped_messages = fitted.dropped
            body: dict[str, Any] = {
                "messages": fitted.messages,
                "max_tokens": fitted.max_tokens,
                "temperature": temperature,
                "stop": stop,
                "cache_prompt": True,  # a chat's next turn reuses the KV cache of this one
            }
            if seed is not None:
                body["seed"] = seed
            if json_schema is not None:
                body["grammar"] = engine.json_grammar(json_schema)

            def produce(emit: OnPiece) -> ChatOutcome:
                return engine.stream_chat(body, emit)

            chat: ThreadStream[str, ChatOutcome] = ThreadStream(produce)
            async with aclosing(chat.__aiter__()) as pieces:
                async for piece in pieces:
                    # One streamed piece is one sampled token (until the exact count below).
                    usage.completion_tokens += 1
                    yield piece
            if chat.result is not None:
                usage.prompt_tokens = chat.result.prompt_tokens or usage.prompt_tokens
                usage.completion_tokens = chat.result.completion_tokens
                if outcome is not None:
                    outcome.append(chat.result)

    async def _loaded(self) -> LazyEngine[LlamaEngine]:
        if self._engine is None:
            raise ProviderError(
                "model_unavailable", self.model_file.problem or "No text model configured."
            )
        if not self._engine.loaded:
            try:
                await self._engine.get()
            except ProviderError as exc:
                self._load_error = exc.message
                raise
        return self._engine

    def _check(self, request: TextRequest) -> None:
        if request.model and request.model != self.model_id:
            raise ProviderError(
                "unknown_model",
                f"The local text provider runs {self.model_id!r}, not {request.model!r}.",
            )
        _check_messages(request.messages)
        if request.max_tokens < 1:
            raise ProviderError("invalid_request", "max_tokens must be at least 1.")
        if not 0.0 <= request.temperature <= 2.0:
            raise ProviderError("invalid_request", "temperature must be between 0 and 2.")
        if request.seed is not None and not 0 <= request.seed <= MAX_SEED:
            raise ProviderError("invalid_request", f"seed must be between 0 and {MAX_SEED}.")
        if len(request.stop) > MAX_STOP_SEQUENCES or any(not s for s in request.stop):
            raise ProviderError(
                "invalid_request",
                f"stop takes up to {MAX_STOP_SEQUENCES} non-empty strings.",
            )


def _check_messages(messages: Sequence[Any]) -> None:
    if not messages:
        raise ProviderError("invalid_request", "messages must not be empty.")
    for message in messages:
        if message.role not in ("system", "user", "assistant"):
            raise ProviderError(
                "invalid_request",
                f"Unknown message role {message.role!r}: use system, user or assistant.",
            )
        if not isinstance(message.content, str):
            raise ProviderError("invalid_request", "Message content must be text.")
    if all(m.role == "system" for m in messages):
        raise ProviderError("invalid_request", "The conversation needs a user message.")
