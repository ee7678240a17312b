"""The Image page (/images): the generation form, live results and the gallery.

The form posts to the page, which validates with the API's ImageGenerationRequest and calls
images.service.request_generation, the same call POST /api/images/generations makes.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import HTMLResponse, Response

from creative_hub.images import service
from creative_hub.images.endpoints import IMAGE_TYPES
from creative_hub.images.schemas import ImageGenerationRequest
from creative_hub.kit.errors import AppError
from creative_hub.models.enums import TaskType
from creative_hub.providers.base import Capability
from creative_hub.providers.listing import model_list
from creative_hub.tasks.endpoints import TaskServiceDep
from creative_hub.web import feature_forms, studio
from creative_hub.web.deps import PageUser
from creative_hub.web.known_text import N_  # the error page translates it
from creative_hub.web.render import render, wants_partial

router = APIRouter(prefix="/images", include_in_schema=False)
GALLERY_SIZE = 12
SIZES = [(1024, 576), (576, 1024), (768, 768), (1024, 1024), (1280, 720), (512, 512)]
DEFAULT_SIZE = "1024x576"
FORM_FIELDS = ("prompt", "negative_prompt", "size", "count", "seed", "style", "model")


def _options(request: Request) -> dict[str, Any]:
    providers = request.app.state.runtime.providers
    styles: set[str] = set()
    for info in providers.describe(Capability.image):
        if info.available:
            styles.update(info.supports.get("styles", ()))
    return {
        "models": model_list(providers, Capability.image).items,
        "styles": sorted(styles),
        "sizes": studio.size_choices(request, SIZES),
    }


def _form_from(data: dict[str, Any]) -> dict[str, Any]:
    """Values for the form's fields from a request's input_data (reuse) or the query."""
    form = {k: data.get(k) for k in FORM_FIELDS if data.get(k) is not None}
    if data.get("width") and data.get("height"):
        form["size"] = f"{data['width']}x{data['height']}"
    return form


@router.get("", response_class=HTMLResponse)
async def images_page(
    request: Request,
    user: PageUser,
    tasks: TaskServiceDep,
    prompt: Annotated[str | None, Query(max_length=4000)] = None,
    negative_prompt: Annotated[str | None, Query(max_length=4000)] = None,
    style: Annotated[str | None, Query(max_length=50)] = None,
    reuse: Annotated[uuid.UUID | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    context = await studio.results(
        tasks, user, IMAGE_TYPES, limit=GALLERY_SIZE, cursor=cursor, nav="images"
    )
    if cursor and wants_partial(request):  # "Load more"
        return render(request, "images/_gallery_page.html", context)
    form: dict[str, Any] = {"count": 1, "size": DEFAULT_SIZE}
    if reuse is not None:
        not_found = N_("No image generation with this id.")
        _type, data = await studio.reused(
            tasks, user, reuse, (TaskType.image_generation,), not_found
        )
        form.update(_form_from(data))
    # Carried over from the Prompt Expert ("Use in Image").
    form.update(_form_from({"prompt": prompt, "negative_prompt": negative_prompt, "style": style}))
    context.update(form=form, errors={}, **_options(request))
    return render(request, "images/index.html", context)


@router.post("", response_class=HTMLResponse)
async def generate(request: Request, user: PageUser, tasks: TaskServiceDep) -> Response:
    posted = feature_forms.values(await request.form())
    data = dict(posted)
    studio.split_size(data, DEFAULT_SIZE)
    context: dict[str, Any] = {"form": posted, **_options(request)}
    parsed, errors = feature_forms.validate(request, ImageGenerationRequest, data)
    studio.size_errors(errors)
    task = None
    if parsed is not None:
        try:
            task = await service.request_generation(
                tasks, request.app.state.runtime.providers, user, parsed
            )
        except AppError as exc:
            errors = feature_forms.service_errors(request, exc, {"invalid_size": "size"})
    return studio.form_answer(request, "images/_form.html", context, task, errors)
