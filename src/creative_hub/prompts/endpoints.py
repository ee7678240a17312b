"""The /api/prompts JSON API: enhance, variations, critique, styles (quick synchronous calls)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import BadRequest, Unauthorized, error_responses
from creative_hub.prompts.schemas import (
    CritiqueRequest,
    CritiqueResponse,
    EnhanceRequest,
    EnhanceResponse,
    StyleList,
    VariationsRequest,
    VariationsResponse,
)
from creative_hub.prompts.service import PromptService, list_styles
from creative_hub.prompts.templates import Target

router = APIRouter(prefix="/api/prompts", tags=["prompts"])


async def get_prompt_service(
    request: Request, user: CurrentUser, session: SessionDep
) -> PromptService:
    return PromptService(request.app.state.runtime.providers, session, user.id)


PromptServiceDep = Annotated[PromptService, Depends(get_prompt_service)]


@router.post(
    "/enhance",
    response_model=EnhanceResponse,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Turn a rough idea into a complete prompt for a target",
)
async def enhance(data: EnhanceRequest, service: PromptServiceDep) -> EnhanceResponse:
    return await service.enhance(data)


@router.post(
    "/variations",
    response_model=VariationsResponse,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Several distinct takes on a prompt (other light, framing, camera, mood…)",
)
async def variations(data: VariationsRequest, service: PromptServiceDep) -> VariationsResponse:
    return await service.variations(data)


@router.post(
    "/critique",
    response_model=CritiqueResponse,
    responses=error_responses(BadRequest, Unauthorized),
    summary="Score a prompt 0-100 with strengths and specific suggestions",
)
async def critique(data: CritiqueRequest, service: PromptServiceDep) -> CritiqueResponse:
    return await service.critique(data)


@router.get(
    "/styles",
    response_model=StyleList,
    responses=error_responses(Unauthorized),
    summary="The style presets and what each sets per target",
)
async def styles(
    _user: CurrentUser,
    target: Annotated[Target | None, Query(description="Only this target's fields.")] = None,
) -> StyleList:
    return list_styles(target)
