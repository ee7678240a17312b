"""Conversations: CRUD, owner checks, and preparing a reply (the streaming lives in replies.py)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.chat.repository import ChatRepository
from creative_hub.chat.schemas import ConversationCreate, ConversationUpdate, MessageCreate
from creative_hub.kit.errors import NotFound
from creative_hub.kit.pagination import decode_cursor, encode_cursor
from creative_hub.kit.time import utcnow
from creative_hub.models.conversation import Conversation
from creative_hub.models.enums import MessageRole, MessageStatus
from creative_hub.models.message import Message
from creative_hub.models.user import User
from creative_hub.providers.base import Capability, ChatMessage, TextGenerator, TextRequest
from creative_hub.providers.registry import ProviderRegistry

DEFAULT_TITLE = "New chat"


@dataclass(frozen=True)
class ReplyPlan:
    """Everything the reply stream needs, so it can run outside the request's session."""

    user_id: uuid.UUID
    conversation_id: uuid.UUID
    user_message: Message  # both messages are new: not saved yet (replies.save_messages)
    assistant_message: Message
    provider: TextGenerator
    provider_name: str
    model: str  # "<provider>/<model id>" as recorded on the message
    request: TextRequest
    needs_title: bool

    @property
    def assistant_message_id(self) -> uuid.UUID:
        return self.assistant_message.id


class ChatService:
    def __init__(self, session: AsyncSession, providers: ProviderRegistry) -> None:
        self.session = session
        self.providers = providers
        self.repo = ChatRepository(session)

    def _check_model(self, model: str | None) -> None:
        if model:
            self.providers.resolve(Capability.text, model)

    async def create(self, user: User, data: ConversationCreate) -> Conversation:
        self._check_model(data.model)
        now = utcnow()
        conversation = Conversation(
            id=uuid.uuid4(),
            user_id=user.id,
            title=data.title or DEFAULT_TITLE,
            title_is_default=data.title is None,
            system_prompt=data.system_prompt,
            model=data.model,
            created_at=now,
            updated_at=now,
        )
        self.repo.add(conversation)
        await self.session.flush()
        return conversation

    async def get(self, user: User, conversation_id: uuid.UUID) -> Conversation:
        conversation = await self.repo.get(conversation_id)
        if conversation is None or conversation.user_id != user.id:
            raise _not_found()
        return conversation

    async def list(
        self, user: User, *, limit: int, cursor: str | None
    ) -> tuple[list[Conversation], str | None]:
        after = decode_cursor(cursor) if cursor else None
        rows = list(await self.repo.page(user.id, limit=limit + 1, after=after))
        next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor(rows[-1].updated_at, rows[-1].id)
        return rows, next_cursor

    async def messages(self, conversation: Conversation) -> Sequence[Message]:
        return await self.repo.messages(conversation.id)

    async def update(
        self, user: User, conversation_id: uuid.UUID, data: ConversationUpdate
    ) -> Conversation:
        conversation = await self.get(user, conversation_id)
        if data.title is not None:
            conversation.title = data.title.strip() or DEFAULT_TITLE
            conversation.title_is_default = False
        if data.system_prompt is not None:
            conversation.system_prompt = data.system_prompt
        if "model" in data.model_fields_set:
            self._check_model(data.model)
            conversation.model = data.model
        conversation.updated_at = utcnow()
        await self.session.flush()
        return conversation

    async def delete(self, user: User, conversation_id: uuid.UUID) -> None:
        await self.repo.delete(await self.get(user, conversation_id))

    async def prepare_reply(
        self, user: User, conversation_id: uuid.UUID, data: MessageCreate
    ) -> ReplyPlan:
        """Check the conversation, read its history, and plan the generation: the user's
        message and an empty assistant message, not saved yet."""
        conversation, history = await self.repo.reply_context(conversation_id)
        if conversation is None or conversation.user_id != user.id:
            raise _not_found()
        name, _, model_id = self.providers.resolve(
            Capability.text, data.model or conversation.model
        )
        info = self.providers.info(Capability.text, name)
        model_id = model_id or (info.models[0].id if info.models else None)
        now = utcnow()
        # Every column set here: the `start` event shows these before they are saved.
        user_message = Message(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            role=MessageRole.user,
            content=data.content,
            status=MessageStatus.complete,
            model=None,
            prompt_tokens=0,
            completion_tokens=0,
            error_message=None,
            created_at=now,
        )
        model = f"{info.name}/{model_id}" if model_id else info.name
        assistant = Message(
            id=uuid.uuid4(),
            conversation_id=conversation_id,
            role=MessageRole.assistant,
            content="",
            status=MessageStatus.streaming,
            model=model,
            prompt_tokens=0,
            completion_tokens=0,
            error_message=None,
            # A strictly later timestamp keeps the order stable on coarse clocks.
            created_at=now.replace(microsecond=min(now.microsecond + 1, 999_999)),
        )
        # Not added to this session: replies.py saves both while the provider streams,
        # so the database work is not on the first token's path (issue 7).
        messages: list[ChatMessage] = []
        if conversation.system_prompt:
            messages.append(ChatMessage("system", conversation.system_prompt))
        messages += [
            ChatMessage("user" if role == MessageRole.user else "assistant", content)
            for role, content in history
            if role != MessageRole.system
        ]
        messages.append(ChatMessage("user", data.content))
        return ReplyPlan(
            user_id=user.id,
            conversation_id=conversation_id,
            user_message=user_message,
            assistant_message=assistant,
            provider=self.providers.text(info.name),
            provider_name=info.name,
            model=model,
            request=TextRequest(
                messages=messages,
                model=model_id,
                max_tokens=data.max_tokens,
                temperature=data.temperature,
            ),
            needs_title=conversation.title_is_default
            and not any(role == MessageRole.assistant for role, _ in history),
        )


def _not_found() -> NotFound:
    return NotFound("No conversation with this id.", code="conversation_not_found")
