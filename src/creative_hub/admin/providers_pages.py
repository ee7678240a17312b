"""The admin providers page: list, add, edit, enable/disable, delete and check providers.
Superusers only (others get the friendly 404). Same ProvidersService as the JSON API."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from pydantic import SecretStr
from starlette.responses import RedirectResponse, Response

from creative_hub.admin.providers_schemas import ProviderCreate, ProviderUpdate
from creative_hub.admin.providers_service import ProvidersService
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import AppError
from creative_hub.providers.remote.config import available_kinds, kind_spec
from creative_hub.web.deps import PageSuperUser
from creative_hub.web.forms import parse_form
from creative_hub.web.render import _, is_htmx, render, with_toast

router = APIRouter(include_in_schema=False)

# Service error codes -> the form field they belong next to.
_ERROR_FIELDS = {
    "provider_name_taken": "name",
    "invalid_base_url": "base_url",
    "api_key_required": "api_key",
    "unknown_provider_kind": "kind",
    "unsupported_capability": "default_for",
}
_ERROR_MESSAGES = {
    "provider_name_taken": "This name is taken.",
    "invalid_base_url": "Enter an http(s) URL without credentials, query or fragment.",
    "api_key_required": "This kind of provider needs an API key.",
    "unknown_provider_kind": "Choose one of the options.",
    "unsupported_capability": "This provider does not serve that capability.",
}


def _service(request: Request, session: SessionDep) -> ProvidersService:
    runtime = request.app.state.runtime
    return ProvidersService(session, runtime.remote, runtime.settings)


def _kinds() -> list[tuple[str, str]]:
    kinds = []
    for kind in available_kinds():
        try:
            label = kind_spec(kind).label
        except Exception:  # a kind whose module is broken: its bare name
            label = kind
        kinds.append((kind, label))
    return kinds


def _app_error_fields(request: Request, exc: AppError) -> dict[str, str]:
    field = _ERROR_FIELDS.get(exc.code)
    if field is None:
        raise exc
    return {field: _(request, _ERROR_MESSAGES[exc.code])}


async def _section(
    request: Request,
    service: ProvidersService,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    editing: uuid.UUID | None = None,
    edit_form: dict[str, Any] | None = None,
    edit_errors: dict[str, str] | None = None,
    confirming: uuid.UUID | None = None,
    status: int = 200,
    full: bool = False,
) -> Response:
    context = {
        "nav": "admin",
        "providers": await service.all(),
        "kinds": _kinds(),
        "form": form or {"kind": "openai_compatible", "enabled": True},
        "errors": errors or {},
        "editing": editing,
        "edit_form": edit_form or {},
        "edit_errors": edit_errors or {},
        "confirming": confirming,
    }
    template = "admin/providers.html" if full else "admin/_providers.html"
    return render(request, template, context, status=status)


async def _done(request: Request, service: ProvidersService, message: str) -> Response:
    if not is_htmx(request):
        return RedirectResponse("/admin/providers", status_code=303)
    return with_toast(await _section(request, service), message)


@router.get("/admin/providers")
async def providers_page(request: Request, _admin: PageSuperUser, session: SessionDep) -> Response:
    service = _service(request, session)
    return await _section(request, service, full=True)


@router.post("/admin/providers")
async def create_provider(request: Request, _admin: PageSuperUser, session: SessionDep) -> Response:
    service = _service(request, session)
    raw = await request.form()
    form = {
        "kind": str(raw.get("kind") or ""),
        "name": str(raw.get("name") or "").strip(),
        "base_url": str(raw.get("base_url") or "").strip(),
        "enabled": raw.get("enabled") == "true",
    }
    api_key = str(raw.get("api_key") or "")
    data, errors = parse_form(request, ProviderCreate, {**form, "api_key": api_key})
    if data is not None:
        try:
            record = await service.create(data)
        except AppError as exc:
            errors = _app_error_fields(request, exc)
        else:
            await service.commit_and_apply()
            message = _(request, "Provider added: %(name)s") % {"name": record.name}
            return await _done(request, service, message)
    return await _section(request, service, form=form, errors=errors, status=422)


@router.get("/admin/providers/{provider_id}/edit")
async def edit_provider_form(
    request: Request, provider_id: uuid.UUID, _admin: PageSuperUser, session: SessionDep
) -> Response:
    service = _service(request, session)
    current = service.read(await service.get(provider_id))
    form = {
        "name": current.name, "base_url": current.base_url, "enabled": current.enabled,
        "default_for": current.default_for,
    }  # fmt: skip
    return await _section(request, service, editing=provider_id, edit_form=form)


@router.post("/admin/providers/{provider_id}")
async def update_provider(
    request: Request, provider_id: uuid.UUID, _admin: PageSuperUser, session: SessionDep
) -> Response:
    service = _service(request, session)
    await service.get(provider_id)  # 404 before anything else
    raw = await request.form()
    form: dict[str, Any] = {
        "name": str(raw.get("name") or "").strip(),
        "base_url": str(raw.get("base_url") or "").strip(),
        "enabled": raw.get("enabled") == "true",
        "default_for": [str(v) for v in raw.getlist("default_for")],
    }
    values: dict[str, Any] = {**form}
    if not values["base_url"]:
        values.pop("base_url")  # empty: keep the current one
    data, errors = parse_form(request, ProviderUpdate, values)
    if data is not None:
        api_key = str(raw.get("api_key") or "")
        if api_key:  # empty: keep the current key
            data.api_key = SecretStr(api_key)
        if raw.get("remove_key") == "true" and not api_key:
            data.api_key = None
        try:
            record = await service.update(provider_id, data)
        except AppError as exc:
            errors = _app_error_fields(request, exc)
        else:
            await service.commit_and_apply()
            message = _(request, "Saved: %(name)s") % {"name": record.name}
            return await _done(request, service, message)
    return await _section(
        request, service, editing=provider_id, edit_form=form, edit_errors=errors, status=422
    )


@router.post("/admin/providers/{provider_id}/enabled")
async def toggle_provider(
    request: Request, provider_id: uuid.UUID, _admin: PageSuperUser, session: SessionDep
) -> Response:
    service = _service(request, session)
    raw = await request.form()
    enabled = raw.get("enabled") == "true"
    record = await service.update(provider_id, ProviderUpdate(enabled=enabled))
    await service.commit_and_apply()
    if enabled:
        message = _(request, "Enabled: %(name)s") % {"name": record.name}
    else:
        message = _(request, "Disabled: %(name)s") % {"name": record.name}
    return await _done(request, service, message)


@router.get("/admin/providers/{provider_id}/delete")
async def confirm_delete(
    request: Request, provider_id: uuid.UUID, _admin: PageSuperUser, session: SessionDep
) -> Response:
    service = _service(request, session)
    await service.get(provider_id)
    return await _section(request, service, confirming=provider_id)


@router.post("/admin/providers/{provider_id}/delete")
async def delete_provider(
    request: Request, provider_id: uuid.UUID, _admin: PageSuperUser, session: SessionDep
) -> Response:
    service = _service(request, session)
    name = (await service.get(provider_id)).name
    await service.delete(provider_id)
    await service.commit_and_apply()
    return await _done(request, service, _(request, "Deleted: %(name)s") % {"name": name})


@router.post("/admin/providers/{provider_id}/test")
async def test_provider(
    request: Request, provider_id: uuid.UUID, _admin: PageSuperUser, session: SessionDep
) -> Response:
    result = await _service(request, session).test(provider_id)
    return render(request, "admin/_provider_test.html", {"result": result, "pid": provider_id})
