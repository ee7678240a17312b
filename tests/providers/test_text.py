"""The embedded text engine on the real model: SmolLM2-135M-Instruct run by llama.cpp."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import aclosing
from pathlib import Path
from typing import Any

import pytest

from creative_hub.providers.base import (
    ChatMessage,
    ProviderError,
    TextGenerator,
    TextRequest,
    TextUsage,
)
from creative_hub.providers.local.llama.context import fit
from creative_hub.providers.local.llama.engine import LlamaEngine
from creative_hub.providers.local.llama.json_repair import conform, parse_lenient
from creative_hub.providers.local.llama.json_schema import check_schema, errors
from creative_hub.providers.local.llama.provider import LocalTextGenerator
from creative_hub.settings import Settings

SYSTEM = ChatMessage("system", "You are a concise assistant.")

SCRIPT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 3, "maxLength": 40},
        "logline": {"type": "string", "maxLength": 80},
        "scenes": {
            "type": "array",
            "minItems": 2,
            "maxItems": 3,
            "items": {
                "type": "object",
                "properties": {
                    "narration": {"type": "string", "minLength": 10, "maxLength": 90},
                    "visual": {"type": "string", "minLength": 3, "maxLength": 60},
                },
                "required": ["narration", "visual"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["title", "logline", "scenes"],
    "additionalProperties": False,
}


@pytest.fixture(scope="module")
def llm() -> LocalTextGenerator:
    return LocalTextGenerator(Settings(environment="test"))


@pytest.fixture(scope="module")
async def engine(llm: LocalTextGenerator) -> LlamaEngine:
    holder = await llm._loaded()
    return await holder.get()


def ask(text: str, **options: Any) -> TextRequest:
    return TextRequest([SYSTEM, ChatMessage("user", text)], **options)


async def collect(
    llm: LocalTextGenerator, request: TextRequest, usage: TextUsage | None = None
) -> list[str]:
    async with aclosing(llm.stream(request, usage)) as pieces:
        return [piece async for piece in pieces]


def check_script(value: dict[str, Any]) -> None:
    """The script shape, checked by hand (not only by our own validator)."""
    assert set(value) == {"title", "logline", "scenes"}
    assert isinstance(value["title"], str) and 3 <= len(value["title"]) <= 40
    assert isinstance(value["logline"], str) and len(value["logline"]) <= 80
    assert isinstance(value["scenes"], list) and 2 <= len(value["scenes"]) <= 3
    for scene in value["scenes"]:
        assert set(scene) == {"narration", "visual"}
        assert 10 <= len(scene["narration"]) <= 90
        assert 3 <= len(scene["visual"]) <= 60
    assert json.loads(json.dumps(value)) == value
    assert errors(value, SCRIPT_SCHEMA) == []


# -- describe / availability -------------------------------------------------------------


def test_describe_tells_the_truth(llm: LocalTextGenerator) -> None:
    generator: TextGenerator = llm  # mypy checks the protocol is implemented
    info = generator.describe()
    assert info.name == "local" and info.neural and info.local and info.available
    assert info.label == "SmolLM2-135M-Instruct via llama.cpp (local)"
    assert info.models[0].id == "smollm2-135m-instruct"
    assert info.models[0].context_window == 2048
    assert info.supports["json_schema"] and info.supports["streaming"]
    assert llm.model_file.path is not None and llm.model_file.path.suffix == ".gguf"


async def test_a_missing_or_broken_model_file_is_reported(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a model at all")
    for path, reason in ((tmp_path / "absent.gguf", "not found"), (junk, "not a GGUF")):
        provider = LocalTextGenerator(Settings(environment="test", text_model_path=str(path)))
        info = provider.describe()
        assert not info.available and reason in (info.unavailable_reason or "")
        with pytest.raises(ProviderError) as caught:
            await collect(provider, ask("Hello"))
        assert caught.value.code == "model_unavailable"


async def test_any_gguf_path_can_be_configured(llm: LocalTextGenerator) -> None:
    assert llm.model_file.path is not None
    custom = LocalTextGenerator(
        Settings(environment="test", text_model_path=str(llm.model_file.path))
    )
    info = custom.describe()
    assert info.available and info.label == f"{llm.model_file.path.stem} via llama.cpp (local)"
    assert "".join(await collect(custom, ask("Say hello.", max_tokens=6))).strip()


async def test_bad_requests_get_clear_errors(llm: LocalTextGenerator) -> None:
    bad = [
        (TextRequest([]), "invalid_request"),
        (TextRequest([SYSTEM]), "invalid_request"),
        (ask("hi", max_tokens=0), "invalid_request"),
        (ask("hi", temperature=3.0), "invalid_request"),
        (ask("hi", model="gpt-4"), "unknown_model"),
    ]
    for request, code in bad:
        with pytest.raises(ProviderError) as caught:
            await collect(llm, request)
        assert caught.value.code == code


# -- generation ------------------------------------------------------------------------------


async def test_streaming_yields_the_reply_piece_by_piece(
    llm: LocalTextGenerator, engine: LlamaEngine
) -> None:
    usage = TextUsage()
    request = ask("Name three animals that live in the sea.", max_tokens=40, temperature=0)
    pieces = await collect(llm, request, usage)
    assert len(pieces) >= 5
    text = "".join(pieces)
    # The same greedy request answered in one call by llama.cpp gives the same text.
    whole = await asyncio.to_thread(
        engine.reply,
        {"messages": [{"role": m.role, "content": m.content} for m in request.messages],
         "max_tokens": 40, "temperature": 0},
    )  # fmt: skip
    assert text == whole and text.strip()
    assert usage.completion_tokens == 40 or 0 < usage.completion_tokens < 40
    assert usage.prompt_tokens > 10 and usage.dropped_messages == 0


async def test_max_tokens_bounds_the_reply(llm: LocalTextGenerator) -> None:
    usage = TextUsage()
    text = "".join(await collect(llm, ask("Write a long essay about rivers.", max_tokens=6), usage))
    assert usage.completion_tokens == 6
    assert 0 < len(text) < 60


async def test_a_stop_sequence_ends_the_reply_before_it(llm: LocalTextGenerator) -> None:
    prompt = "Count from 1 to 10, separated by commas."
    full = "".join(await collect(llm, ask(prompt, max_tokens=40, temperature=0)))
    assert "5" in full
    stopped = "".join(await collect(llm, ask(prompt, max_tokens=40, temperature=0, stop=["5"])))
    assert "5" not in stopped
    assert stopped == full[: full.index("5")]


async def test_same_seed_same_text(llm: LocalTextGenerator) -> None:
    greedy = [
        "".join(await collect(llm, ask("Describe the moon.", max_tokens=20, temperature=0)))
        for _ in range(2)
    ]
    assert greedy[0] == greedy[1] and greedy[0]
    sampled = [
        "".join(await collect(llm, ask("Invent a name for a cat.", max_tokens=16,
                                       temperature=1.0, seed=seed)))
        for seed in (7, 7, 8, 9)
    ]  # fmt: skip
    assert sampled[0] == sampled[1]
    assert len(set(sampled)) >= 2  # other seeds sample other text


async def test_concurrent_calls_share_the_engine(llm: LocalTextGenerator) -> None:
    replies = await asyncio.gather(
        *(
            collect(llm, ask(f"Say a word about {topic}.", max_tokens=8))
            for topic in ("snow", "sun")
        )
    )
    assert all("".join(reply).strip() for reply in replies)


async def test_cancelling_a_stream_stops_generation(llm: LocalTextGenerator) -> None:
    seen: list[str] = []

    async def consume() -> None:
        async for piece in llm.stream(
            ask("Write a very long story about the ocean.", max_tokens=400)
        ):
            seen.append(piece)

    task = asyncio.create_task(consume())
    while len(seen) < 3:
        await asyncio.sleep(0.01)
    started = time.perf_counter()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Cancelling waits for the worker thread to stop, and 400 tokens take many seconds:
    # returning this fast means llama.cpp really stopped.
    assert time.perf_counter() - started < 2.0
    assert len(seen) < 100

    # Breaking out of the loop (and closing the iterator) stops it as well.
    started = time.perf_counter()
    async with aclosing(llm.stream(ask("Write a long poem about trees.", max_tokens=400))) as it:
        async for _piece in it:
            break
    assert time.perf_counter() - started < 5.0

    # The engine is free again.
    usage = TextUsage()
    assert "".join(await collect(llm, ask("Say hi.", max_tokens=5), usage)).strip()
    assert usage.completion_tokens <= 5


# -- context window ------------------------------------------------------------------------


def long_conversation(turns: int) -> list[ChatMessage]:
    messages = [ChatMessage("system", "You are a ship's cook. Always mention soup.")]
    for index in range(turns):
        messages.append(
            ChatMessage(
                "user",
                f"Question {index}: tell me about the harbour, the "
                "boats, the weather and the fish market today.",
            )
        )
        messages.append(
            ChatMessage(
                "assistant",
                f"Answer {index}: the harbour is busy, boats "
                "come and go, the weather is grey and windy.",
            )
        )
    messages.append(ChatMessage("user", "What is for dinner?"))
    return messages


async def test_a_long_conversation_drops_oldest_turns_and_keeps_the_system_prompt(
    engine: LlamaEngine,
) -> None:
    small = LocalTextGenerator(Settings(environment="test", text_context_window=256))
    conversation = long_conversation(12)
    usage = TextUsage()
    reply = "".join(await collect(small, TextRequest(conversation, max_tokens=32), usage))
    assert reply.strip()
    assert usage.dropped_messages > 0
    assert usage.prompt_tokens + usage.completion_tokens <= 256

    # What was kept, counted by the model's own tokenizer and template:
    as_dicts = [{"role": m.role, "content": m.content} for m in conversation]
    fitted = await asyncio.to_thread(fit, as_dicts, engine.count_prompt_tokens, 256, 32)
    assert fitted.dropped == usage.dropped_messages
    assert fitted.messages[0] == as_dicts[0]  # the system prompt
    assert fitted.messages[-1] == as_dicts[-1]  # the question being asked
    assert fitted.messages[1]["role"] == "user"
    assert fitted.messages[1:] == as_dicts[1 + fitted.dropped :]  # the newest turns, in order
    assert fitted.prompt_tokens + 32 <= 256
    # One more turn would not have fitted.
    one_more = [as_dicts[0], *as_dicts[fitted.dropped - 1 :]]
    assert await asyncio.to_thread(engine.count_prompt_tokens, one_more) + 32 > 256


async def test_a_last_message_longer_than_the_window_is_refused() -> None:
    small = LocalTextGenerator(Settings(environment="test", text_context_window=256))
    with pytest.raises(ProviderError) as caught:
        await collect(small, ask("word " * 400, max_tokens=8))
    assert caught.value.code == "context_overflow"


# -- structured output -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "seed"),
    [("a lighthouse keeper", 1), ("making bread", 2), ("a robot who paints", 3),
     ("a rainy city at night", 4), ("the first day of school", 5)],
)  # fmt: skip
async def test_json_mode_always_validates(llm: LocalTextGenerator, topic: str, seed: int) -> None:
    usage = TextUsage()
    request = TextRequest(
        [ChatMessage("system", "You write short video scripts."),
         ChatMessage("user", f"Write a video script about {topic}.")],
        max_tokens=220, temperature=0.8, seed=seed,
    )  # fmt: skip
    value = await llm.generate_json(request, SCRIPT_SCHEMA, usage)
    check_script(value)
    assert usage.completion_tokens > 0


async def test_json_mode_cut_short_is_repaired_into_a_valid_value(llm: LocalTextGenerator) -> None:
    request = ask("Write a video script about bees.", max_tokens=12, seed=1)
    value = await llm.generate_json(request, SCRIPT_SCHEMA)
    check_script(value)


async def test_json_mode_refuses_schemas_it_cannot_guarantee(llm: LocalTextGenerator) -> None:
    for schema in (
        {"type": "object", "properties": {"a": {"type": "string", "pattern": "^x"}}},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object", "properties": {"a": {"type": "string", "minLength": 5, "maxLength": 2}}},
    ):
        with pytest.raises(ProviderError) as caught:
            await llm.generate_json(ask("hi"), schema)
        assert caught.value.code == "invalid_schema"


def test_repair_closes_cut_off_json_and_fills_what_is_missing() -> None:
    cut = (
        '{"title": "Bees at work", "logline": "A day in the hive", '
        '"scenes": [{"narration": "Dawn breaks over'
    )
    parsed = parse_lenient("Sure! Here it is: " + cut)
    assert isinstance(parsed, dict)
    assert parsed["title"] == "Bees at work"
    assert parsed["scenes"][0]["narration"] == "Dawn breaks over"
    fixed = conform(parsed, SCRIPT_SCHEMA, "bees")
    check_script(fixed)
    assert fixed["title"] == "Bees at work"  # valid parts are kept
    assert fixed["scenes"][0]["narration"].startswith("Dawn breaks over")
    assert parse_lenient("no json here") is None

    numbers = {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 1, "maximum": 5},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "mood": {"type": "string", "enum": ["calm", "tense"]},
            "tags": {"type": ["array", "null"], "items": {"type": "string"}, "maxItems": 2},
        },
        "required": ["count", "ratio", "mood", "tags"],
    }
    check_schema(numbers)
    broken: Any
    for broken in ({}, {"count": "9", "ratio": 1, "mood": "happy", "tags": ["a", "b", "c"]},
                   {"count": 2.5, "ratio": -3, "tags": 4}, []):  # fmt: skip
        assert errors(conform(broken, numbers, "x"), numbers) == []
