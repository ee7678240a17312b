"""/api/admin/users: list accounts, disable/enable them, make administrators. Superusers
only (others get 404, so the route's existence is not revealed)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from creative_hub.admin import users_service
from creative_hub.admin.users_schemas import AdminUserPage, AdminUserRead, AdminUserUpdate
from creative_hub.admin.users_service import AdminUsersService
from creative_hub.auth.dependencies import SuperUser
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import BadRequest, Conflict, NotFound, Unauthorized, error_responses

router = APIRouter(prefix="/api/admin/users", tags=["admin"])


async def get_service(session: SessionDep, _admin: SuperUser) -> AdminUsersService:
    return AdminUsersService(session)


Service = Annotated[AdminUsersService, Depends(get_service)]


@router.get(
    "",
    response_model=AdminUserPage,
    responses=error_responses(Unauthorized, NotFound, BadRequest),
    summary="Every account, newest first; q searches usernames and emails",
)
async def list_users(
    service: Service,
    q: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AdminUserPage:
    rows, next_cursor, total = await service.page(q, limit, cursor)
    return AdminUserPage(
        items=[users_service.read(u) for u in rows], next_cursor=next_cursor, total=total
    )


@router.patch(
    "/{user_id}",
    response_model=AdminUserRead,
    responses=error_responses(Unauthorized, NotFound, Conflict),
    summary="Disable or enable an account; grant or revoke administrator rights",
)
async def update_user(
    user_id: uuid.UUID, data: AdminUserUpdate, admin: SuperUser, service: Service
) -> AdminUserRead:
    return users_service.read(await service.update(admin, user_id, data))
