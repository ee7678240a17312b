"""The Prompt Expert page (/prompts): enhance, variations and critique of a rough idea, and
links that carry the result to the Image, Video and Audio pages.

The three buttons post the one form to /prompts/{action}; each validates with the API's
request model and calls the same PromptService method as POST /api/prompts/{action}.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import HTMLResponse, Response

from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import AppError
from creative_hub.models.user import User
from creative_hub.prompts.schemas import CritiqueRequest, EnhanceRequest, VariationsRequest
from creative_hub.prompts.service import PromptService, list_styles
from creative_hub.prompts.templates import Target
from creative_hub.web import feature_forms
from creative_hub.web.deps import PageUser
from creative_hub.web.render import locale_of, render

router = APIRouter(prefix="/prompts", include_in_schema=False)
Action = Literal["enhance", "variations", "critique"]
REQUESTS: dict[str, type[BaseModel]] = {
    "enhance": EnhanceRequest,
    "variations": VariationsRequest,
    "critique": CritiqueRequest,
}


def _choices(request: Request) -> dict[str, Any]:
    chinese = locale_of(request) == "zh"
    styles = [(s.id, s.name_zh if chinese else s.name) for s in list_styles(Target.image).items]
    return {"targets": list(Target), "styles": styles}


def _service(request: Request, session: AsyncSession, user: User) -> PromptService:
    return PromptService(request.app.state.runtime.providers, session, user.id)


@router.get("", response_class=HTMLResponse)
async def prompts_page(
    request: Request,
    _user: PageUser,
    prompt: Annotated[str | None, Query(max_length=4000)] = None,
    target: Annotated[Target | None, Query()] = None,
    style: Annotated[str | None, Query(max_length=50)] = None,
) -> Response:
    form = {"prompt": prompt or "", "target": (target or Target.image).value, "style": style or ""}
    context = {"nav": "prompts", "form": form, "errors": {}, "result": None, **_choices(request)}
    return render(request, "prompts/index.html", context)


@router.post("/{action}", response_class=HTMLResponse)
async def run(action: Action, request: Request, user: PageUser, session: SessionDep) -> Response:
    # One form for the three actions: each request model ignores the fields it lacks.
    posted = feature_forms.values(await request.form())
    context: dict[str, Any] = {
        "form": {"target": Target.image.value, **posted},
        "action": action,
        "result": None,
        **_choices(request),
    }
    parsed, errors = feature_forms.validate(request, REQUESTS[action], posted)
    if parsed is not None:
        service = _service(request, session, user)
        try:
            if isinstance(parsed, EnhanceRequest):
                context["result"] = await service.enhance(parsed)
            elif isinstance(parsed, VariationsRequest):
                context["result"] = await service.variations(parsed)
            elif isinstance(parsed, CritiqueRequest):
                context["result"] = await service.critique(parsed)
        except AppError as exc:
            errors = feature_forms.service_errors(request, exc)
    context["errors"] = errors
    return render(request, "prompts/_expert.html", context, status=422 if errors else 200)
