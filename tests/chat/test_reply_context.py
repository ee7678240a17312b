"""A reply's context (chat/repository.py reply_context) comes back as Python values, in
order, from its one compiled query on the driver (db/prepared.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from creative_hub.chat.repository import ChatRepository, ConversationHead
from creative_hub.models.conversation import Conversation
from creative_hub.models.enums import MessageRole, MessageStatus
from creative_hub.models.message import Message
from tests.support.api import register


async def test_reply_context_reads_head_and_history_in_order(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    user_id = uuid.UUID(me["user"]["id"])
    base = datetime(2026, 6, 1, tzinfo=UTC)
    async with app.state.runtime.sessionmaker() as session:
        convo = Conversation(
            user_id=user_id, model="local/x", system_prompt="Be brief.", title_is_default=False
        )
        empty = Conversation(user_id=user_id)
        session.add_all([convo, empty])
        await session.flush()
        turns = [
            (MessageRole.user, "Hi 👋"),
            (MessageRole.assistant, ""),  # a reply that produced nothing: not history
            (MessageRole.assistant, "Hello."),
            (MessageRole.user, "Again"),
        ]
        for i, (role, content) in enumerate(reversed(turns)):  # inserted newest first
            session.add(
                Message(
                    conversation_id=convo.id, role=role, content=content,
                    status=MessageStatus.complete,
                    created_at=base + timedelta(seconds=len(turns) - i),
                )
            )  # fmt: skip
        await session.commit()

        repo = ChatRepository(session)
        head, history = await repo.reply_context(convo.id)
        assert head == ConversationHead(user_id, "local/x", "Be brief.", False)
        assert type(head.title_is_default) is bool and isinstance(head.user_id, uuid.UUID)
        assert history == [
            (MessageRole.user, "Hi 👋"),
            (MessageRole.assistant, "Hello."),
            (MessageRole.user, "Again"),
        ]
        assert all(isinstance(role, MessageRole) for role, _ in history)
        assert await repo.reply_context(empty.id) == (
            ConversationHead(user_id, None, "", True),
            [],
        )
        assert await repo.reply_context(uuid.uuid4()) == (None, [])


async def test_a_replys_writes_insert_update_and_touch_and_report_a_vanished_message(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    me = await register(client)
    user_id = uuid.UUID(me["user"]["id"])
    then = datetime(2026, 6, 1, tzinfo=UTC)
    async with app.state.runtime.sessionmaker() as session:
        convo = Conversation(user_id=user_id)
        session.add(convo)
        await session.commit()
        mine, reply = (
            Message(
                id=uuid.uuid4(), conversation_id=convo.id, role=role, content=content,
                status=status, model=None, prompt_tokens=0, completion_tokens=0,
                error_message=None, created_at=then + timedelta(milliseconds=i),
            )
            for i, (role, content, status) in enumerate((
                (MessageRole.user, "Hi", MessageStatus.complete),
                (MessageRole.assistant, "", MessageStatus.streaming),
            ))
        )  # fmt: skip
        repo = ChatRepository(session)
        await repo.insert_messages([mine, reply])
        await repo.touch(convo.id, then + timedelta(seconds=5))
        values = {"content": "Hello.", "status": MessageStatus.complete, "completion_tokens": 2}
        assert await repo.update_message(reply.id, values) is True
        await session.commit()

        saved = await repo.messages(convo.id)
        assert [(m.role, m.content, m.status, m.completion_tokens) for m in saved] == [
            (MessageRole.user, "Hi", MessageStatus.complete, 0),
            (MessageRole.assistant, "Hello.", MessageStatus.complete, 2),
        ]
        assert saved[1].model is None  # columns not named are left alone
        got = await repo.get(convo.id)
        assert got is not None and got.updated_at.replace(tzinfo=UTC) == then + timedelta(seconds=5)

        await session.delete(got)  # the conversation deleted while its reply streamed
        await session.commit()
        assert await repo.update_message(reply.id, {"content": "late"}) is False
        await session.commit()
