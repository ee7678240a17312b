"""Streaming a reply: deltas as they come, saved at the end, stopped on request or disconnect.

The provider is called first; the user's message and the assistant message (status
'streaming') are saved a moment later, while it streams (MessageSaver), the text every few
seconds, and whatever ends the stream (done, stop, disconnect, error) saves the final
text with the matching status, so a partial reply is never lost.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import structlog

from creative_hub.chat.pump import ReplyPump
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
_SAVE_AFTER_SECONDS = 0.2  # after the request (MessageSaver)
NOT_SAVED = "not_saved"
_NOT_SAVED_MESSAGE = (
    "Your message could not be saved (was the conversation deleted?); send it again."
)

Event = tuple[str, dict[str, Any]]


def stop_channel(conversation_id: object) -> str:
    return f"chat:{conversation_id}"


async def request_stop(bus: EventBus, conversation_id: object) -> None:
    await bus.publish(stop_channel(conversation_id), {"type": "stop"})


class MessageSaver:
    """Saves the user's message and the empty assistant message, once: 0.2 s after the
    request, or when the reply ends if that is sooner.

    Not at once: on one event loop that save would delay this reply's first token. Nor
    right after the first token: when many replies start together, each one's save then
    runs before the later ones' first tokens. With the hub on a CPU of its own, 20
    replies starting in the same instant got their median first token ~3 ms sooner
    (docs/performance.md, session 12; issue 7)."""

    def __init__(self, runtime: Any, plan: ReplyPlan) -> None:
        self._runtime = runtime
        self._plan = plan
        self._task: asyncio.Task[None] | None = None
        self._timer = asyncio.get_running_loop().call_later(_SAVE_AFTER_SECONDS, self.start)
        self.finishing = False  # the final save has begun (see _finish)

    def start(self) -> None:
        if self._task is None:
            self._timer.cancel()
            self._task = asyncio.create_task(save_messages(self._runtime, self._plan))

    @property
    def saved(self) -> bool:
        task = self._task
        return task is not None and task.done() and not task.cancelled() and not task.exception()

    async def wait(self) -> None:
        """Raises what the save raised."""
        self.start()
        assert self._task is not None
        await self._task


def start_reply(runtime: Any, plan: ReplyPlan) -> tuple[ReplyPump, MessageSaver]:
    """Call the provider now; the messages are saved while it streams (see MessageSaver)."""
    return ReplyPump(plan.provider, plan.request), MessageSaver(runtime, plan)


async def save_messages(runtime: Any, plan: ReplyPlan) -> None:
    """Insert the user's message and the empty assistant message; touch the conversation."""
    async with runtime.sessionmaker() as session:
        repo = ChatRepository(session)
        await repo.insert_messages([plan.user_message, plan.assistant_message])
        await repo.touch(plan.conversation_id, plan.user_message.created_at)
        await session.commit()


async def run_reply(
    runtime: Any, plan: ReplyPlan, pump: ReplyPump, saver: MessageSaver
) -> AsyncIterator[list[Event]]:
    """Yields ("delta", {content})..., then ("done", {message}), then maybe ("title",
    {title}); ("ping", {}) while the provider sends nothing for a while. Events come in
    lists: the deltas that arrived together, to be written at once.

    `pump` and `saver` come from start_reply: the provider is called before the messages
    are saved, and every later save of the reply waits for them."""
    usage = pump.usage
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
        last_save = time.monotonic()
        try:
            async for batch in pump.batches():
                if stopped.is_set():
                    break
                if not batch:
                    yield [("ping", {})]
                    continue
                parts += batch
                yield [("delta", {"content": piece}) for piece in batch]
                if time.monotonic() - last_save > _SAVE_EVERY_SECONDS and saver.saved:
                    last_save = time.monotonic()
                    await _save(runtime, plan, "".join(parts), MessageStatus.streaming, usage)
            status = MessageStatus.stopped if stopped.is_set() else MessageStatus.complete
        except ProviderError as exc:
            status, error = MessageStatus.failed, exc.message
            yield [("error", {"code": exc.code, "message": exc.message})]
        finally:
            watcher.cancel()
            pump.close()  # tells the engine to stop generating now
            if status == MessageStatus.streaming:  # the client went away mid-reply
                status = MessageStatus.stopped
            message = await asyncio.shield(
                _finish(runtime, plan, saver, "".join(parts), status, usage, error)
            )
    if message is None:
        yield [("error", {"code": NOT_SAVED, "message": _NOT_SAVED_MESSAGE})]
        return
    yield [("done", {"message": message})]
    if plan.needs_title and status == MessageStatus.complete and parts:
        title = await make_title(
            plan.provider, plan.request.model, plan.user_message.content, "".join(parts)
        )
        await _set_title(runtime, plan, title)
        yield [("title", {"title": title})]


async def abandon(runtime: Any, plan: ReplyPlan, pump: ReplyPump, saver: MessageSaver) -> None:
    """For a streamed reply whose response ended before run_reply could save it (the
    client left before the stream began, so run_reply never ran its cleanup): stop the
    provider and save the messages as 'stopped', not 'streaming' until the next start."""
    if saver.finishing:
        return
    pump.close()
    await asyncio.shield(
        _finish(runtime, plan, saver, "", MessageStatus.stopped, pump.usage, error=None)
    )


async def _finish(
    runtime: Any,
    plan: ReplyPlan,
    saver: MessageSaver,
    text: str,
    status: MessageStatus,
    usage: TextUsage,
    error: str | None,
) -> dict[str, Any] | None:
    """The final save, once the messages are in; None if they could not be saved."""
    saver.finishing = True  # before any await: abandon() must not save a second time
    try:
        await saver.wait()
    except Exception as exc:
        log.error(
            "chat_messages_not_saved", conversation_id=str(plan.conversation_id), exc_info=exc
        )
        return None
    return await _save(runtime, plan, text, status, usage, error=error, final=True)


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
    values = {
        "content": text,
        "status": status,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "error_message": error,
    }
    message = {
        "id": str(plan.assistant_message_id), "role": "assistant", "content": text,
        "status": status.value, "model": plan.model, "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "created_at": as_utc(plan.assistant_message.created_at).isoformat(),
    }  # fmt: skip
    async with runtime.sessionmaker() as session:
        repo = ChatRepository(session)
        if not await repo.update_message(plan.assistant_message_id, values):
            # The conversation was deleted while the reply streamed.
            return {**message, "prompt_tokens": 0, "completion_tokens": 0}
        if final:
            await repo.touch(plan.conversation_id, utcnow())
            await usage_service.record(
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
        return message


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
