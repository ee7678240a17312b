"""The Chat page (/chat): conversations, the model picker, rename and delete.

Replies stream from the JSON API itself (POST /api/chat/conversations/{id}/messages, read
by static/chat.js with the page's session cookie and CSRF token), so there is one
streaming implementation. Everything else calls ChatService, as /api/chat does.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from creative_hub.chat.endpoints import ChatServiceDep
from creative_hub.chat.schemas import ConversationCreate, ConversationUpdate
from creative_hub.chat.service import ChatService
from creative_hub.models.conversation import Conversation
from creative_hub.models.user import User
from creative_hub.providers.base import Capability
from creative_hub.providers.listing import model_list
from creative_hub.web import feature_forms
from creative_hub.web.deps import PageUser
from creative_hub.web.render import _, is_htmx, render

router = APIRouter(prefix="/chat", include_in_schema=False)
LIST_SIZE = 50


async def _page_context(
    request: Request, user: User, chat: ChatService, current: Conversation | None
) -> dict[str, Any]:
    conversations, next_cursor = await chat.list(user, limit=LIST_SIZE, cursor=None)
    return {
        "nav": "chat",
        "conversations": conversations,
        "more_conversations": next_cursor is not None,
        "conversation": current,
        "models": model_list(request.app.state.runtime.providers, Capability.text).items,
        "messages": list(await chat.messages(current)) if current else [],
    }


@router.get("", response_class=HTMLResponse)
async def chat_home(
    request: Request,
    user: PageUser,
    chat: ChatServiceDep,
    prompt: Annotated[str | None, Query(max_length=20_000)] = None,
) -> Response:
    context = await _page_context(request, user, chat, None)
    context["prompt"] = prompt or ""
    return render(request, "chat/index.html", context)


@router.post("")
async def new_conversation(
    request: Request,
    user: PageUser,
    chat: ChatServiceDep,
    model: Annotated[str | None, Form(max_length=200)] = None,
    prompt: Annotated[str | None, Form(max_length=20_000)] = None,
) -> Response:
    conversation = await chat.create(user, ConversationCreate(model=model or None))
    target = f"/chat/{conversation.id}"
    if prompt:  # carried from the Prompt Expert: waiting in the message box
        target += "?" + urlencode({"prompt": prompt})
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


@router.get("/{conversation_id}", response_class=HTMLResponse)
async def conversation_page(
    conversation_id: uuid.UUID,
    request: Request,
    user: PageUser,
    chat: ChatServiceDep,
    prompt: Annotated[str | None, Query(max_length=20_000)] = None,
) -> Response:
    conversation = await chat.get(user, conversation_id)
    context = await _page_context(request, user, chat, conversation)
    context["prompt"] = prompt or ""
    return render(request, "chat/index.html", context)


@router.post("/{conversation_id}/rename", response_class=HTMLResponse)
async def rename(
    conversation_id: uuid.UUID, request: Request, user: PageUser, chat: ChatServiceDep
) -> Response:
    posted = feature_forms.values(await request.form())
    parsed, errors = feature_forms.validate(request, ConversationUpdate, posted)
    conversation = await chat.get(user, conversation_id)
    if parsed is not None and parsed.title:
        conversation = await chat.update(user, conversation_id, parsed)
    elif not errors:
        errors = {"title": _(request, "Required.")}
    context = {"conversation": conversation, "errors": errors, "renamed": not errors}
    return render(request, "chat/_title.html", context, status=422 if errors else 200)


@router.post("/{conversation_id}/model", response_class=HTMLResponse)
async def choose_model(
    conversation_id: uuid.UUID,
    user: PageUser,
    chat: ChatServiceDep,
    model: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    # An unknown model is a 400 that the page shows in place and as a toast.
    await chat.update(user, conversation_id, ConversationUpdate(model=model or None))
    return Response(status_code=204)


@router.delete("/{conversation_id}")
async def delete(conversation_id: uuid.UUID, user: PageUser, chat: ChatServiceDep) -> Response:
    await chat.delete(user, conversation_id)
    return Response(status_code=204, headers={"HX-Redirect": "/chat"})
