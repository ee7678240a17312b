"""The admin page: accounts (search, disable/enable, make admin). Superusers only; others
get the friendly 404, as the API does."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from creative_hub.admin.users_schemas import AdminUserUpdate
from creative_hub.admin.users_service import AdminUsersService
from creative_hub.db.session import SessionDep
from creative_hub.web.deps import PageSuperUser
from creative_hub.web.render import _, is_htmx, render, with_toast

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50


def _flag(value: str | None) -> bool | None:
    return None if value is None else value == "true"


@router.get("/admin")
async def admin_page(
    request: Request,
    admin: PageSuperUser,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    rows, next_cursor, total = await AdminUsersService(session).page(q, PAGE_SIZE, cursor)
    context = {
        "nav": "admin", "users": rows, "next_cursor": next_cursor, "total": total,
        "q": q or "", "admin": admin,
    }  # fmt: skip
    # "Load more" appends rows to the table.
    template = "admin/_user_rows.html" if is_htmx(request) and cursor else "admin/users.html"
    return render(request, template, context)


@router.post("/admin/users/{user_id}")
async def update_user(
    request: Request,
    user_id: uuid.UUID,
    admin: PageSuperUser,
    session: SessionDep,
    is_active: Annotated[str | None, Form()] = None,
    is_superuser: Annotated[str | None, Form()] = None,
) -> Response:
    data = AdminUserUpdate(is_active=_flag(is_active), is_superuser=_flag(is_superuser))
    user = await AdminUsersService(session).update(admin, user_id, data)
    if not is_htmx(request):
        return RedirectResponse("/admin", status_code=303)
    done = _(request, "Saved: %(name)s") % {"name": user.username}
    return with_toast(render(request, "admin/_user_row.html", {"u": user, "admin": admin}), done)
