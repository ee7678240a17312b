"""The /api/chat JSON API: conversations, streamed replies, models."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.chat.replies import NOT_SAVED, abandon, request_stop, run_reply, start_reply
from creative_hub.chat.schemas import (
    ConversationCreate,
    ConversationDetail,
    ConversationPage,
    ConversationRead,
    ConversationUpdate,
    MessageCreate,
    MessageRead,
)
from creative_hub.chat.service import ChatService
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import (
    BadRequest,
    Conflict,
    NotFound,
    Unauthorized,
    error_responses,
)
from creative_hub.kit.sse import (
    EVENT_STREAM_HEADERS,
    KEEPALIVE,
    ClosingStreamingResponse,
    encode_event,
)
from creative_hub.kit.time import as_utc
from creative_hub.models.conversation import Conversation
from creative_hub.models.message import Message
from creative_hub.providers.base import Capability
from creative_hub.providers.listing import ModelList, model_list

router = APIRouter(prefix="/api/chat", tags=["chat"])


async def get_chat_service(request: Request, session: SessionDep) -> ChatService:
    return ChatService(session, request.app.state.runtime.providers)


ChatServiceDep = Annotated[ChatService, Depends(get_chat_service)]


def _conversation(c: Conversation) -> ConversationRead:
    return ConversationRead(
        id=c.id,
        title=c.title,
        system_prompt=c.system_prompt,
        model=c.model,
        created_at=as_utc(c.created_at),
        updated_at=as_utc(c.updated_at),
    )


def _message(m: Message) -> MessageRead:
    return MessageRead(
        id=m.id,
        role=m.role,
        content=m.content,
        status=m.status,
        model=m.model,
        prompt_tokens=m.prompt_tokens,
        completion_tokens=m.completion_tokens,
        created_at=as_utc(m.created_at),
    )


@router.get("/models", response_model=ModelList, responses=error_responses(Unauthorized))
async def chat_models(request: Request, _user: CurrentUser) -> ModelList:
    return model_list(request.app.state.runtime.providers, Capability.text)


@router.get(
    "/conversations", response_model=ConversationPage, responses=error_responses(Unauthorized)
)
async def list_conversations(
    user: CurrentUser,
    service: ChatServiceDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 30,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ConversationPage:
    rows, next_cursor = await service.list(user, limit=limit, cursor=cursor)
    return ConversationPage(items=[_conversation(c) for c in rows], next_cursor=next_cursor)


@router.post(
    "/conversations",
    status_code=status.HTTP_201_CREATED,
    response_model=ConversationRead,
    responses=error_responses(BadRequest, Unauthorized),
)
async def create_conversation(
    data: ConversationCreate, user: CurrentUser, service: ChatServiceDep
) -> ConversationRead:
    return _conversation(await service.create(user, data))


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationDetail,
    responses=error_responses(Unauthorized, NotFound),
)
async def get_conversation(
    conversation_id: uuid.UUID, user: CurrentUser, service: ChatServiceDep
) -> ConversationDetail:
    conversation = await service.get(user, conversation_id)
    messages = [_message(m) for m in await service.messages(conversation)]
    return ConversationDetail(**_conversation(conversation).model_dump(), messages=messages)


@router.patch(
    "/conversations/{conversation_id}",
    response_model=ConversationRead,
    responses=error_responses(BadRequest, Unauthorized, NotFound),
    summary="Rename, change the system prompt or the model",
)
async def update_conversation(
    conversation_id: uuid.UUID, data: ConversationUpdate, user: CurrentUser, service: ChatServiceDep
) -> ConversationRead:
    return _conversation(await service.update(user, conversation_id, data))


@router.delete(
    "/conversations/{conversation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(Unauthorized, NotFound),
)
async def delete_conversation(
    conversation_id: uuid.UUID, user: CurrentUser, service: ChatServiceDep
) -> Response:
    await service.delete(user, conversation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/conversations/{conversation_id}/messages",
    responses={
        200: {
            "description": "SSE: `delta` events ({content}), then `done` ({message}), then "
            "`title` after the first exchange. With `Accept: application/json`, one JSON body.",
            "content": {"text/event-stream": {}, "application/json": {}},
        },
        **error_responses(BadRequest, Unauthorized, NotFound, Conflict),
    },
    summary="Send a message and stream the reply token by token",
)
async def send_message(
    conversation_id: uuid.UUID,
    data: MessageCreate,
    request: Request,
    user: CurrentUser,
    service: ChatServiceDep,
    session: SessionDep,
) -> Response:
    runtime = request.app.state.runtime
    plan = await service.prepare_reply(user, conversation_id, data)
    pump, saver = start_reply(runtime, plan)
    # Let the provider call go out now, before this request's session is committed and
    # closed (database round trips): ~0.3 ms off the first token (issue 7).
    await asyncio.sleep(0)
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/event-stream" not in accept:
        await session.commit()  # end the read transaction: the reply may take minutes
        result: dict[str, Any] = {"user_message": None, "message": None, "title": None}
        async for batch in run_reply(runtime, plan, pump, saver):
            for kind, payload in batch:
                if kind == "error" and payload["code"] == NOT_SAVED:
                    raise Conflict(payload["message"], code=NOT_SAVED)
                if kind == "done":
                    result["message"] = payload["message"]
                elif kind == "title":
                    result["title"] = payload["title"]
        result["user_message"] = _message(plan.user_message).model_dump(mode="json")
        return JSONResponse(result)

    async def events() -> AsyncIterator[bytes]:
        start = {
            "user_message": _message(plan.user_message).model_dump(mode="json"),
            "assistant_message_id": str(plan.assistant_message_id),
            "model": plan.model,
        }
        yield encode_event("start", start)
        async for batch in run_reply(runtime, plan, pump, saver):
            yield b"".join(KEEPALIVE if k == "ping" else encode_event(k, p) for k, p in batch)

    return ClosingStreamingResponse(
        events(),
        on_close=lambda: abandon(runtime, plan, pump, saver),
        media_type="text/event-stream",
        headers=EVENT_STREAM_HEADERS,
    )


@router.post(
    "/conversations/{conversation_id}/stop",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(Unauthorized, NotFound),
    summary="Stop the reply being generated; the text so far is kept",
)
async def stop_reply(
    conversation_id: uuid.UUID, request: Request, user: CurrentUser, service: ChatServiceDep
) -> dict[str, bool]:
    await service.get(user, conversation_id)
    await request_stop(request.app.state.runtime.bus, conversation_id)
    return {"stopping": True}
