"""Sign-up, sign-in and sign-out pages (plain forms; the same AuthService as /api/auth)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from creative_hub.auth.dependencies import AuthServiceDep, LoginThrottleDep
from creative_hub.auth.schemas import ApiKeyCreate, LoginRequest, RegisterRequest, UserUpdate
from creative_hub.auth.service import AuthService
from creative_hub.kit.errors import BadRequest, Conflict, Forbidden, TooManyRequests, Unauthorized
from creative_hub.models.user import User
from creative_hub.web.csrf import ANON_COOKIE
from creative_hub.web.deps import OptionalPageUser, PageCredential, PageUser
from creative_hub.web.forms import parse_form
from creative_hub.web.render import _, is_htmx, render, with_toast
from creative_hub.web.routes import safe_next

router = APIRouter(include_in_schema=False)


def _signed_in_redirect(target: str) -> RedirectResponse:
    return RedirectResponse(target, status_code=303)


async def _start_session(service: AuthService, user: User, target: str) -> Response:
    token = await service.start_web_session(user)
    settings = service.settings
    response = _signed_in_redirect(target)
    response.set_cookie(
        settings.session_cookie_name, token, max_age=settings.session_ttl_seconds,
        httponly=True, samesite="lax", secure=settings.secure_cookies, path="/",
    )  # fmt: skip
    response.delete_cookie(ANON_COOKIE, path="/")
    return response


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/sign-in")
async def sign_in_page(request: Request, user: OptionalPageUser, next: str = "/") -> Response:
    if user is not None:
        return _signed_in_redirect(safe_next(next))
    return render(request, "auth/sign_in.html", {"form": {}, "errors": {}, "next": safe_next(next)})


@router.post("/sign-in")
async def sign_in(
    request: Request,
    _user: OptionalPageUser,  # checks the CSRF token
    service: AuthServiceDep,
    throttle: LoginThrottleDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    target = safe_next(next)
    form = {"username": username}
    data, errors = parse_form(request, LoginRequest, {"username": username, "password": password})
    form_message = None
    if data is not None:
        try:
            user = await service.authenticate(
                data.username, data.password, _client_ip(request), throttle
            )
        except Unauthorized:
            errors["password"] = _(request, "Wrong username or password.")
        except (Forbidden, TooManyRequests) as exc:
            form_message = _(request, exc.message)
        else:
            return await _start_session(service, user, target)
    context = {"form": form, "errors": errors, "form_message": form_message, "next": target}
    return render(request, "auth/sign_in.html", context, status=422)


@router.get("/sign-up")
async def sign_up_page(request: Request, user: OptionalPageUser) -> Response:
    if user is not None:
        return _signed_in_redirect("/")
    return render(request, "auth/sign_up.html", {"form": {}, "errors": {}})


@router.post("/sign-up")
async def sign_up(
    request: Request,
    _user: OptionalPageUser,
    service: AuthServiceDep,
    email: Annotated[str, Form()] = "",
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
) -> Response:
    form = {"email": email, "username": username}
    data, errors = parse_form(
        request, RegisterRequest, {"email": email, "username": username, "password": password}
    )
    if password and password_again != password and "password" not in errors:
        errors["password_again"] = _(request, "The two passwords differ.")
    if data is not None and not errors:
        try:
            user = await service.register(data)
        except Conflict as exc:
            field = {"email_taken": "email", "username_taken": "username"}.get(exc.code, "username")
            errors[field] = _(request, exc.message)
        else:
            return await _start_session(service, user, "/")
    return render(request, "auth/sign_up.html", {"form": form, "errors": errors}, status=422)


@router.post("/sign-out")
async def sign_out(credential: PageCredential, service: AuthServiceDep) -> Response:
    if credential.session_token:
        await service.end_web_session(credential.session_token)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(service.settings.session_cookie_name, path="/")
    return response


# -- account settings: password and API keys ---------------------------------------------


async def _account(
    request: Request,
    service: AuthService,
    user: User,
    *,
    template: str = "auth/account.html",
    status: int = 200,
    **context: object,
) -> Response:
    keys = await service.list_api_keys(user)
    values: dict[str, object] = {
        "nav": "account", "keys": keys, "errors": {}, "key_errors": {}, "key_form": {},
    }  # fmt: skip
    values.update(context)
    return render(request, template, values, status=status)


@router.get("/account")
async def account_page(request: Request, user: PageUser, service: AuthServiceDep) -> Response:
    return await _account(request, service, user)


@router.post("/account/password")
async def change_password(
    request: Request,
    credential: PageCredential,
    service: AuthServiceDep,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    new_password_again: Annotated[str, Form()] = "",
) -> Response:
    user = credential.user
    data, errors = parse_form(
        request,
        UserUpdate,
        {"current_password": current_password, "new_password": new_password},
    )
    if not current_password:
        errors["current_password"] = _(request, "This field is required.")
    if not new_password:
        errors["new_password"] = _(request, "This field is required.")
    elif new_password_again != new_password and "new_password" not in errors:
        errors["new_password_again"] = _(request, "The two passwords differ.")
    if data is not None and not errors:
        try:
            await service.update(user, data, credential)
        except BadRequest as exc:
            errors["current_password"] = _(request, exc.message)
        else:
            done = _(request, "Password changed. Your other devices were signed out.")
            toasts = [{"message": done, "kind": "success"}]
            return await _account(request, service, user, toasts=toasts)
    return await _account(request, service, user, errors=errors, status=422)


@router.post("/account/api-keys")
async def create_api_key(
    request: Request,
    user: PageUser,
    service: AuthServiceDep,
    name: Annotated[str, Form()] = "",
    expires_in_days: Annotated[str, Form()] = "",
) -> Response:
    template = "auth/_api_keys.html" if is_htmx(request) else "auth/account.html"
    form = {"name": name, "expires_in_days": expires_in_days}
    data, errors = parse_form(
        request, ApiKeyCreate, {"name": name.strip(), "expires_in_days": expires_in_days}
    )
    if data is None:
        return await _account(
            request, service, user, template=template, status=422, key_errors=errors, key_form=form
        )
    key, full = await service.create_api_key(user, data.name, data.expires_in_days)
    return await _account(
        request, service, user, template=template, created_key=full, created_name=key.name
    )


@router.post("/account/api-keys/{key_id}/revoke")
async def revoke_api_key(
    request: Request, key_id: uuid.UUID, user: PageUser, service: AuthServiceDep
) -> Response:
    await service.delete_api_key(user, key_id)
    if is_htmx(request):
        response = await _account(request, service, user, template="auth/_api_keys.html")
        return with_toast(response, _(request, "API key revoked."))
    return RedirectResponse("/account", status_code=303)
