"""Provider management rules: validation, encrypted keys, registry refresh, connection checks."""

from __future__ import annotations

import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from creative_hub.admin.providers_crypto import KeyBox
from creative_hub.admin.providers_repository import ProvidersRepository
from creative_hub.admin.providers_schemas import (
    ProviderCreate,
    ProviderHealth,
    ProviderRead,
    ProviderTestResult,
    ProviderUpdate,
)
from creative_hub.admin.providers_schemas import (
    ProviderError as ErrorRead,
)
from creative_hub.kit.errors import BadRequest, Conflict, NotFound
from creative_hub.kit.time import as_utc
from creative_hub.models.provider import ProviderRecord
from creative_hub.providers.base import Capability, ProviderError
from creative_hub.providers.catalog import LOCAL
from creative_hub.providers.remote.config import (
    Connection,
    KindSpec,
    ProviderConfig,
    available_kinds,
    kind_spec,
)
from creative_hub.providers.remote.manager import RemoteProviders
from creative_hub.providers.remote.redact import key_hint
from creative_hub.settings import Settings


def to_config(record: ProviderRecord, keybox: KeyBox) -> ProviderConfig:
    api_key = keybox.decrypt(record.api_key_encrypted) if record.api_key_encrypted else None
    return ProviderConfig(
        id=record.id,
        kind=record.kind,
        name=record.name,
        base_url=record.base_url,
        api_key=api_key,
        enabled=record.enabled,
        settings=dict(record.settings or {}),
        default_for=tuple(Capability(c) for c in record.default_for or ()),
        version=f"{record.id}:{as_utc(record.updated_at).isoformat()}",
    )


def loaders(sessionmaker: async_sessionmaker[AsyncSession], settings: Settings) -> dict[str, Any]:
    """The load/probe pair RemoteProviders polls, reading this process's database."""
    keybox = KeyBox(settings)

    async def load() -> list[ProviderConfig]:
        async with sessionmaker() as session:
            return [to_config(r, keybox) for r in await ProvidersRepository(session).all()]

    async def probe() -> object:
        async with sessionmaker() as session:
            return await ProvidersRepository(session).version()

    return {"load": load, "probe": probe}


class ProvidersService:
    def __init__(self, session: AsyncSession, remote: RemoteProviders, settings: Settings) -> None:
        self.session = session
        self.remote = remote
        self.settings = settings
        self.repo = ProvidersRepository(session)
        self.keybox = KeyBox(settings)

    # -- reading --------------------------------------------------------------------------

    def read(self, record: ProviderRecord) -> ProviderRead:
        connection = self.remote.connections.get(record.name)
        live = connection is not None and connection.config.id == record.id
        health = connection.health() if live and connection else None
        try:
            capabilities = [c.value for c in kind_spec(record.kind).adapters]
        except Exception:  # a kind whose module is missing or broken: still listed, editable
            capabilities = []
        return ProviderRead(
            id=record.id,
            kind=record.kind,
            name=record.name,
            base_url=record.base_url,
            enabled=record.enabled,
            settings=record.settings or {},
            default_for=list(record.default_for or []),
            capabilities=capabilities,
            has_api_key=record.api_key_encrypted is not None,
            api_key_hint=record.api_key_hint,
            health=ProviderHealth(**vars(health)) if health else None,
            models_error=connection.models_error if live and connection else None,
            created_at=as_utc(record.created_at),
            updated_at=as_utc(record.updated_at),
        )

    async def all(self) -> list[ProviderRead]:
        return [self.read(r) for r in await self.repo.all()]

    async def get(self, provider_id: uuid.UUID) -> ProviderRecord:
        record = await self.repo.get(provider_id)
        if record is None:
            raise NotFound("No provider with this id.", code="provider_not_found")
        return record

    # -- writing --------------------------------------------------------------------------

    async def create(self, data: ProviderCreate) -> ProviderRecord:
        if data.kind not in available_kinds():
            raise BadRequest(
                f"Unknown provider kind {data.kind!r}.",
                code="unknown_provider_kind",
                details={"kinds": available_kinds()},
            )
        spec = kind_spec(data.kind)
        await self._check_name(data.name, None)
        api_key = data.api_key.get_secret_value() if data.api_key else None
        if spec.requires_api_key and not api_key:
            raise BadRequest(f"{spec.label} needs an API key.", code="api_key_required")
        record = ProviderRecord(
            id=uuid.uuid4(),
            kind=data.kind,
            name=data.name,
            base_url=self._base_url(data.base_url, spec),
            enabled=data.enabled,
            settings=dict(data.settings),
            default_for=self._defaults(data.default_for, spec),
        )
        self._set_key(record, api_key)
        self.repo.add(record)
        await self.session.flush()
        return record

    async def update(self, provider_id: uuid.UUID, data: ProviderUpdate) -> ProviderRecord:
        record = await self.get(provider_id)
        spec = kind_spec(record.kind)
        fields = data.model_fields_set
        if data.name is not None and data.name != record.name:
            await self._check_name(data.name, record.id)
            record.name = data.name
        if "base_url" in fields:
            record.base_url = self._base_url(data.base_url, spec)
        if "api_key" in fields:
            api_key = data.api_key.get_secret_value() if data.api_key else None
            if spec.requires_api_key and not api_key:
                raise BadRequest(f"{spec.label} needs an API key.", code="api_key_required")
            self._set_key(record, api_key)
        if data.enabled is not None:
            record.enabled = data.enabled
        if data.settings is not None:
            record.settings = dict(data.settings)
        if data.default_for is not None:
            record.default_for = self._defaults(data.default_for, spec)
        await self.session.flush()
        return record

    async def delete(self, provider_id: uuid.UUID) -> None:
        await self.repo.delete(await self.get(provider_id))
        await self.session.flush()

    async def test(self, provider_id: uuid.UUID) -> ProviderTestResult:
        """A cheap call on a fresh connection (the live one's circuit may be open)."""
        config = to_config(await self.get(provider_id), self.keybox)
        connection = Connection.build(config, self.settings)
        started = time.perf_counter()
        try:
            if connection.spec.check is not None:
                message = await connection.spec.check(connection)
            else:
                models = await connection.refresh_models()
                count = sum(len(v) for v in models.values())
                message = f"{count} models"
        except ProviderError as exc:
            return ProviderTestResult(
                ok=False,
                latency_ms=round((time.perf_counter() - started) * 1000, 1),
                message=None,
                error=ErrorRead(code=exc.code, message=exc.message),
            )
        finally:
            await connection.aclose()
        latency = round((time.perf_counter() - started) * 1000, 1)
        live = self.remote.connections.get(config.name)
        if live is not None and live.config.id == config.id:
            live.http.breaker.record_success()  # it answers again: stop failing fast
        return ProviderTestResult(ok=True, latency_ms=latency, message=message)

    # -- helpers --------------------------------------------------------------------------

    async def _check_name(self, name: str, own_id: uuid.UUID | None) -> None:
        if name == LOCAL:
            raise BadRequest(f"{LOCAL!r} names the embedded engines.", code="provider_name_taken")
        existing = await self.repo.by_name(name)
        if existing is not None and existing.id != own_id:
            raise Conflict(f"A provider named {name!r} exists.", code="provider_name_taken")

    def _base_url(self, value: str | None, spec: KindSpec) -> str:
        url = (value or spec.default_base_url).strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BadRequest("base_url must be an http(s) URL.", code="invalid_base_url")
        if parts.username or parts.password or parts.query or parts.fragment:
            raise BadRequest(
                "base_url takes no credentials, query or fragment; put the key in api_key.",
                code="invalid_base_url",
            )
        return url

    def _defaults(self, capabilities: list[Capability], spec: KindSpec) -> list[str]:
        unsupported = [c.value for c in capabilities if c not in spec.adapters]
        if unsupported:
            raise BadRequest(
                f"{spec.label} does not serve {', '.join(unsupported)}.",
                code="unsupported_capability",
                details={"capabilities": [c.value for c in spec.adapters]},
            )
        return sorted({c.value for c in capabilities})

    def _set_key(self, record: ProviderRecord, api_key: str | None) -> None:
        record.api_key_encrypted = self.keybox.encrypt(api_key) if api_key else None
        record.api_key_hint = key_hint(api_key)

    async def commit_and_apply(self) -> None:
        """Commit, then bring this process's registry in step at once (others poll), so
        the response already shows the provider live and its models listed."""
        await self.session.commit()
        await self.remote.sync(force=True)
