"""/api/admin/providers: remote and self-hosted providers. Superusers only (others get 404)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from creative_hub.admin.providers_schemas import (
    ProviderCreate,
    ProviderList,
    ProviderRead,
    ProviderTestResult,
    ProviderUpdate,
)
from creative_hub.admin.providers_service import ProvidersService
from creative_hub.auth.dependencies import SuperUser
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import BadRequest, Conflict, NotFound, Unauthorized, error_responses

router = APIRouter(prefix="/api/admin/providers", tags=["admin"])


async def get_service(request: Request, session: SessionDep, _admin: SuperUser) -> ProvidersService:
    runtime = request.app.state.runtime
    return ProvidersService(session, runtime.remote, runtime.settings)


Service = Annotated[ProvidersService, Depends(get_service)]
ERRORS = error_responses(Unauthorized, NotFound)


@router.get("", response_model=ProviderList, responses=ERRORS, summary="Every provider")
async def list_providers(service: Service) -> ProviderList:
    return ProviderList(items=await service.all())


@router.post(
    "",
    response_model=ProviderRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(Unauthorized, NotFound, BadRequest, Conflict),
    summary="Add a provider (its models become '<name>/<model id>' everywhere)",
)
async def create_provider(data: ProviderCreate, service: Service) -> ProviderRead:
    record = await service.create(data)
    await service.commit_and_apply()
    return service.read(record)


@router.get("/{provider_id}", response_model=ProviderRead, responses=ERRORS)
async def get_provider(provider_id: uuid.UUID, service: Service) -> ProviderRead:
    return service.read(await service.get(provider_id))


@router.patch(
    "/{provider_id}",
    response_model=ProviderRead,
    responses=error_responses(Unauthorized, NotFound, BadRequest, Conflict),
    summary="Change a provider; api_key: a new key, null to remove, omitted to keep",
)
async def update_provider(
    provider_id: uuid.UUID, data: ProviderUpdate, service: Service
) -> ProviderRead:
    record = await service.update(provider_id, data)
    await service.commit_and_apply()
    return service.read(record)


@router.delete("/{provider_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
async def delete_provider(provider_id: uuid.UUID, service: Service) -> Response:
    await service.delete(provider_id)
    await service.commit_and_apply()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{provider_id}/test",
    response_model=ProviderTestResult,
    responses=ERRORS,
    summary="Check the connection: a cheap call; latency or the provider's own error",
)
async def test_provider(provider_id: uuid.UUID, service: Service) -> ProviderTestResult:
    return await service.test(provider_id)
