"""Streaming a reply: deltas as they come, saved at the end, stopped on request or disconnect.

The assistant message exists (status 'streaming') before the first token, its text is
saved every few seconds, and whatever ends the stream (done, stop, disconnect, error)
saves the final text with the matching status, so a partial reply is never lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import structlog

from creative_hub.chat.repository import ChatRepository
from creative_hub.chat.service import ReplyPlan
from creative_hub.chat.titles import make_title
from creative_hub.events.base import EventBus
from creative_hub.kit.time import as_utc, utcnow
from creative_hub.models.enums import MessageStatus
from creative_hub.providers.base import Capability, ProviderError, TextUsage
from creative_hub.usage import service as usage_service
from creative_hub.usage.service import Usage

log = structlog.get_logger(__name__)
_SAVE_EVERY_SECONDS = 2.0

Event = tuple[str, dict[str, Any]]


def stop_channel(conversation_id: object) -> str:
    return f"chat:{conversation_id}"


async def request_stop(bus: EventBus, conversation_id: object) -> None:
    await bus.publish(stop_channel(conversation_id), {"type": "stop"})


def message_dict(message: Any) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "role": message.role.value,
        "content": message.content,
        "status": message.status.value,
        "model": message.model,
        "prompt_tokens": message.prompt_tokens,
        "completion_tokens": message.completion_tokens,
        "created_at": as_utc(message.created_at).isoformat(),
    }


async def run_reply(runtime: Any, plan: ReplyPlan) -> AsyncIterator[Event]:
    """Yields ("delta", {content}), then ("done", {message}), then maybe ("title", {title})."""
    usage = TextUsage()
    parts: list[str] = []
    status = MessageStatus.streaming
    error: str | None = None
    stopped = asyncio.Event()

    async with runtime.bus.subscribe(stop_channel(plan.conversation_id)) as events:

        async def watch() -> None:
            async for event in events:
                if event.get("type") == "stop":
                    stopped.set()
                    return

        watcher = asyncio.create_task(watch())
        stream = plan.provider.stream(plan.request, usage)
        last_save = time.monotonic()
        try:
            async for piece in stream:
                if stopped.is_set():
                    break
                parts.append(piece)
                yield "delta", {"content": piece}
                if time.monotonic() - last_save > _SAVE_EVERY_SECONDS:
                    last_save = time.monotonic()
                    await _save(runtime, plan, "".join(parts), MessageStatus.streaming, usage)
            status = MessageStatus.stopped if stopped.is_set() else MessageStatus.complete
        except ProviderError as exc:
            status, error = MessageStatus.failed, exc.message
            yield "error", {"code": exc.code, "message": exc.message}
        finally:
            watcher.cancel()
            # Closing the generator tells the engine to stop generating now.
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()
            if status == MessageStatus.streaming:  # the client went away mid-reply
                status = MessageStatus.stopped
            message = await asyncio.shield(
                _save(runtime, plan, "".join(parts), status, usage, error=error, final=True)
            )
    yield "done", {"message": message}
    if plan.needs_title and status == MessageStatus.complete and parts:
        title = await make_title(
            plan.provider, plan.request.model, plan.user_message.content, "".join(parts)
        )
        await _set_title(runtime, plan, title)
        yield "title", {"title": title}


async def _save(
    runtime: Any,
    plan: ReplyPlan,
    text: str,
    status: MessageStatus,
    usage: TextUsage,
    *,
    error: str | None = None,
    final: bool = False,
) -> dict[str, Any]:
    async with runtime.sessionmaker() as session:
        repo = ChatRepository(session)
        message = await repo.get_message(plan.assistant_message_id)
        if message is None:  # the conversation was deleted while the reply streamed
            return {
                "id": str(plan.assistant_message_id), "role": "assistant", "content": text,
                "status": status.value, "model": plan.model, "prompt_tokens": 0,
                "completion_tokens": 0, "created_at": utcnow().isoformat(),
            }  # fmt: skip
        message.content = text
        message.status = status
        message.prompt_tokens = usage.prompt_tokens
        message.completion_tokens = usage.completion_tokens
        message.error_message = error
        if final:
            conversation = await repo.get(plan.conversation_id)
            if conversation is not None:
                conversation.updated_at = utcnow()
            usage_service.record(
                session,
                user_id=plan.user_id,
                items=[
                    Usage(
                        Capability.text.value,
                        plan.provider_name,
                        "tokens",
                        usage.prompt_tokens + usage.completion_tokens,
                        plan.model,
                    )
                ],
            )
        await session.commit()
        return message_dict(message)


async def _set_title(runtime: Any, plan: ReplyPlan, title: str) -> None:
    async with runtime.sessionmaker() as session:
        conversation = await ChatRepository(session).get(plan.conversation_id)
        if conversation is not None and conversation.title_is_default:
            conversation.title = title
            conversation.title_is_default = False
            await session.commit()


async def recover_interrupted(runtime: Any) -> int:
    """At start-up: replies that were streaming when the process died become 'stopped'."""
    async with runtime.sessionmaker() as session:
        count = await ChatRepository(session).stop_streaming()
        await session.commit()
    if count:
        log.warning("chat_replies_interrupted", count=count)
    return count
