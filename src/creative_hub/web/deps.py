"""Page dependencies: who is signed in (redirecting to /sign-in when nobody is), CSRF."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request

from creative_hub.auth.dependencies import SAFE_METHODS, AuthServiceDep
from creative_hub.auth.service import Credential
from creative_hub.kit.errors import NotFound
from creative_hub.models.user import User
from creative_hub.web.csrf import verify_csrf


@dataclass(frozen=True)
class UserView:
    """What templates show of the signed-in user: a copy, still readable on an error page
    after the request's session rolled back (an ORM row would be expired by then)."""

    id: uuid.UUID
    username: str
    email: str
    is_superuser: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(user.id, user.username, user.email, user.is_superuser)


class SignInRequired(Exception):
    """No valid session: pages answer with a redirect to /sign-in?next=<here>."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def sign_in_url(next_path: str) -> str:
    if not next_path.startswith("/") or next_path.startswith("//") or next_path == "/sign-in":
        return "/sign-in"
    return "/sign-in?next=" + quote(next_path, safe="/")


async def optional_page_credential(request: Request, service: AuthServiceDep) -> Credential | None:
    cookie = request.cookies.get(service.settings.session_cookie_name)
    credential = await service.user_for_session(cookie) if cookie else None
    if credential is not None:
        request.state.page_user = UserView.of(credential.user)
        request.state.user_id = credential.user.id
    if request.method not in SAFE_METHODS:
        await verify_csrf(request)
    return credential


OptionalPageCredential = Annotated[Credential | None, Depends(optional_page_credential)]


async def page_credential(request: Request, credential: OptionalPageCredential) -> Credential:
    if credential is None:
        target = request.url.path
        if request.method in SAFE_METHODS and request.url.query:
            target += "?" + request.url.query
        raise SignInRequired(target)
    return credential


PageCredential = Annotated[Credential, Depends(page_credential)]


async def page_user(credential: PageCredential) -> User:
    return credential.user


# A signed-in user for a page (redirects to /sign-in otherwise; checks CSRF on POST etc.).
PageUser = Annotated[User, Depends(page_user)]


async def optional_page_user(credential: OptionalPageCredential) -> User | None:
    return credential.user if credential else None


# The signed-in user or None (sign-in and sign-up pages, error pages).
OptionalPageUser = Annotated[User | None, Depends(optional_page_user)]


async def page_superuser(user: PageUser) -> User:
    if not user.is_superuser:
        raise NotFound()  # do not reveal that the admin page exists
    return user


PageSuperUser = Annotated[User, Depends(page_superuser)]
