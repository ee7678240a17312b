"""Every query on conversations and messages."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, tuple_, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.db.prepared import PreparedSelect, PreparedWrite
from creative_hub.models.conversation import Conversation
from creative_hub.models.enums import MessageRole, MessageStatus
from creative_hub.models.message import Message

_MESSAGES = cast(Table, Message.__table__)  # declarative types it as a FromClause
_MESSAGE_COLUMNS = tuple(c.key for c in _MESSAGES.columns)
_CONVERSATIONS = cast(Table, Conversation.__table__)


@dataclass(frozen=True)
class ConversationHead:
    user_id: uuid.UUID
    model: str | None
    system_prompt: str
    title_is_default: bool


class ChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, conversation_id: uuid.UUID) -> Conversation | None:
        return await self.session.get(Conversation, conversation_id, populate_existing=True)

    def add(self, row: Conversation | Message) -> None:
        self.session.add(row)

    async def page(
        self, user_id: uuid.UUID, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[Conversation]:
        stmt = select(Conversation).where(Conversation.user_id == user_id)
        if after is not None:
            stmt = stmt.where(tuple_(Conversation.updated_at, Conversation.id) < tuple_(*after))
        stmt = stmt.order_by(Conversation.updated_at.desc(), Conversation.id.desc()).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def messages(self, conversation_id: uuid.UUID) -> Sequence[Message]:
        stmt = (
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.created_at, Message.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def reply_context(
        self, conversation_id: uuid.UUID
    ) -> tuple[ConversationHead | None, list[tuple[MessageRole, str]]]:
        """What a reply needs, in one query (it is on the first token's path): the
        conversation's owner, model, system prompt and title_is_default, and the
        (role, content) of its messages with text, oldest first. (None, []) if no such
        conversation. Compiled once and run on the driver in one call (db/prepared.py)."""
        statement = _reply_context_statement(self._dialect())
        rows = await statement.fetch(self.session, {"conversation_id": conversation_id})
        if not rows:
            return None, []
        # The conversation's columns repeat on every row: converted once (a UUID per row
        # was most of a 100-message history's cost).
        head = ConversationHead(*statement.convert(rows[0])[:4])
        role_of, content_of = statement.converter(4), statement.converter(5)
        return head, [(role_of(row[4]), content_of(row[5])) for row in rows if row[4] is not None]

    # The writes of a streaming reply are compiled once and, on SQLite, run with one trip
    # to the connection's thread each (db/prepared.py): they run on the event loop beside
    # every other stream's tokens. The ORM-enabled statements built per call cost three
    # times the CPU (two saves per reply: 2.7 -> 1.0 ms on SQLite; issue 7).

    async def insert_messages(self, messages: Sequence[Message]) -> None:
        """Insert transient messages as rows (one executemany)."""
        rows = [{key: getattr(m, key) for key in _MESSAGE_COLUMNS} for m in messages]
        await _insert_messages(self._dialect()).execute_many(self.session, rows)

    async def update_message(self, message_id: uuid.UUID, values: dict[str, Any]) -> bool:
        """Set columns of one message; False if it is gone (its conversation deleted)."""
        statement = _update_message(self._dialect(), tuple(values))
        return await statement.execute(self.session, {**values, "message_id": message_id}) > 0

    async def touch(self, conversation_id: uuid.UUID, when: datetime) -> None:
        values = {"conversation_id": conversation_id, "updated_at": when}
        await _touch(self._dialect()).execute(self.session, values)

    def _dialect(self) -> Dialect:
        return self.session.get_bind().dialect

    async def delete(self, conversation: Conversation) -> None:
        await self.session.delete(conversation)

    async def stop_streaming(self, before: datetime | None = None) -> int:
        """Messages left 'streaming' by a process that died become 'stopped' (text kept)."""
        stmt = update(Message).where(Message.status == MessageStatus.streaming)
        if before is not None:
            stmt = stmt.where(Message.created_at < before)
        result = await self.session.execute(
            stmt.values(status=MessageStatus.stopped).execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)


@functools.lru_cache(maxsize=4)
def _reply_context_statement(dialect: Dialect) -> PreparedSelect:
    statement = (
        select(
            Conversation.user_id,
            Conversation.model,
            Conversation.system_prompt,
            Conversation.title_is_default,
            Message.role,
            Message.content,
        )
        .outerjoin(Message, (Message.conversation_id == Conversation.id) & (Message.content != ""))
        .where(Conversation.id == bindparam("conversation_id"))
        .order_by(Message.created_at, Message.id)
    )
    return PreparedSelect(statement, dialect)


@functools.lru_cache(maxsize=4)
def _insert_messages(dialect: Dialect) -> PreparedWrite:
    return PreparedWrite(insert(_MESSAGES), dialect, _MESSAGE_COLUMNS)


@functools.lru_cache(maxsize=16)
def _update_message(dialect: Dialect, columns: tuple[str, ...]) -> PreparedWrite:
    where = _MESSAGES.c.id == bindparam("message_id")
    return PreparedWrite(update(_MESSAGES).where(where), dialect, columns)


@functools.lru_cache(maxsize=4)
def _touch(dialect: Dialect) -> PreparedWrite:
    where = _CONVERSATIONS.c.id == bindparam("conversation_id")
    return PreparedWrite(update(_CONVERSATIONS).where(where), dialect, ("updated_at",))
