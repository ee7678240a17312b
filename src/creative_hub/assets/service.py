"""Assets: store bytes for a user, read them back owner-checked, delete with their task."""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
import uuid
from pathlib import Path, PurePath

from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.assets.repository import AssetRepository
from creative_hub.assets.sniff import ALLOWED_MIME_TYPES, extension_for, sniff
from creative_hub.db.session import after_commit
from creative_hub.kit.errors import BadRequest, NotFound, PayloadTooLarge, UnsupportedMediaType
from creative_hub.kit.middleware import human_size
from creative_hub.models.asset import Asset
from creative_hub.storage.base import AssetStore
from creative_hub.storage.local import key_for_checksum

_SNIFF_BYTES = 4096


def asset_url(asset_id: uuid.UUID) -> str:
    return f"/api/assets/{asset_id}"


def clean_filename(name: str | None, mime: str) -> str:
    """A display name only (never a path): the last component, printable, bounded."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|:*?')[:200].strip()
    if not base.strip("."):  # "", "." and ".." are not names
        return f"file.{extension_for(mime)}"
    return base


async def save_bytes(
    session: AsyncSession,
    store: AssetStore,
    *,
    user_id: uuid.UUID,
    data: bytes,
    mime_type: str,
    filename: str | None = None,
    task_id: uuid.UUID | None = None,
) -> Asset:
    """Store output the hub produced itself (its type is known, not sniffed)."""
    checksum = hashlib.sha256(data).hexdigest()
    key = key_for_checksum(checksum)
    await store.put(key, data)
    asset = Asset(
        id=uuid.uuid4(),
        user_id=user_id,
        task_id=task_id,
        storage_key=key,
        mime_type=mime_type,
        size_bytes=len(data),
        checksum=checksum,
        filename=clean_filename(filename, mime_type),
    )
    AssetRepository(session).add(asset)
    await session.flush()
    return asset


def _hash_file(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


async def save_file(
    session: AsyncSession,
    store: AssetStore,
    *,
    user_id: uuid.UUID,
    path: Path,
    mime_type: str,
    filename: str | None = None,
    task_id: uuid.UUID | None = None,
) -> Asset:
    """Move a file the hub produced (a render, a mix) into the store; `path` is consumed."""
    checksum, size = await asyncio.to_thread(_hash_file, path)
    key = key_for_checksum(checksum)
    await store.put_file(key, str(path))
    asset = Asset(
        id=uuid.uuid4(),
        user_id=user_id,
        task_id=task_id,
        storage_key=key,
        mime_type=mime_type,
        size_bytes=size,
        checksum=checksum,
        filename=clean_filename(filename or path.name, mime_type),
    )
    AssetRepository(session).add(asset)
    await session.flush()
    return asset


class UploadSink:
    """Streams an upload to a temporary file, hashing and bounding it as it goes."""

    def __init__(self, limit: int, tmp_dir: str) -> None:
        os.makedirs(tmp_dir, exist_ok=True)
        self.limit = limit
        self.size = 0
        self.head = b""
        self._hash = hashlib.sha256()
        fd, self.path = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
        self._file = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise PayloadTooLarge(
                f"The file is larger than the {human_size(self.limit)} upload limit.",
                code="upload_too_large",
                details={"max_bytes": self.limit},
            )
        if len(self.head) < _SNIFF_BYTES:
            self.head += chunk[: _SNIFF_BYTES - len(self.head)]
        self._hash.update(chunk)
        self._file.write(chunk)

    def close(self) -> str:
        self._file.close()
        return self._hash.hexdigest()

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        if os.path.exists(self.path):
            os.unlink(self.path)


async def save_upload(
    session: AsyncSession,
    store: AssetStore,
    *,
    user_id: uuid.UUID,
    sink: UploadSink,
    filename: str | None,
) -> Asset:
    checksum = sink.close()
    if sink.size == 0:
        sink.discard()
        raise BadRequest("The file is empty.", code="empty_file")
    mime = sniff(sink.head)
    if mime is None or mime not in ALLOWED_MIME_TYPES:
        sink.discard()
        raise UnsupportedMediaType(
            "This file type is not accepted. Upload an image (PNG, JPEG, WebP, GIF), a video "
            "(MP4, WebM, MOV, MKV), audio (WAV, MP3, OGG, FLAC, M4A) or UTF-8 text.",
            code="unsupported_file_type",
            details={"detected": mime, "allowed": sorted(ALLOWED_MIME_TYPES)},
        )
    key = key_for_checksum(checksum)
    await store.put_file(key, sink.path)
    asset = Asset(
        id=uuid.uuid4(),
        user_id=user_id,
        storage_key=key,
        mime_type=mime,
        size_bytes=sink.size,
        checksum=checksum,
        filename=clean_filename(filename, mime),
    )
    AssetRepository(session).add(asset)
    await session.flush()
    return asset


async def get_owned(session: AsyncSession, asset_id: uuid.UUID, user_id: uuid.UUID) -> Asset:
    asset = await AssetRepository(session).get(asset_id)
    if asset is None or asset.user_id != user_id:
        raise NotFound("No asset with this id.", code="asset_not_found")
    return asset


MEDIA_KINDS = ("image", "video", "audio", "text")


async def require_media(
    session: AsyncSession, asset_id: uuid.UUID, user_id: uuid.UUID, *kinds: str
) -> Asset:
    """The user's asset, if it is one of the media kinds asked for (image, video, audio, text).

    Another user's asset is "not found", as if it did not exist.
    """
    asset = await get_owned(session, asset_id, user_id)
    kind = media_kind(asset.mime_type)
    if kind not in kinds:
        raise UnsupportedMediaType(
            f"Asset {asset_id} is {kind or asset.mime_type}; this needs {' or '.join(kinds)}.",
            code="wrong_media_type",
            details={"asset_id": str(asset_id), "mime_type": asset.mime_type, "expected": kinds},
        )
    return asset


def media_kind(mime_type: str) -> str | None:
    major = mime_type.split("/", 1)[0]
    if major in ("image", "video", "audio"):
        return major
    return "text" if mime_type in ("text/plain", "application/json") else None


async def delete_for_task(session: AsyncSession, store: AssetStore, task_id: uuid.UUID) -> None:
    """Remove a task's assets; the bytes go once no other asset shares them (after commit)."""
    repo = AssetRepository(session)
    assets = list(await repo.for_task(task_id))
    await repo.delete([a.id for a in assets])
    await session.flush()
    keys = {a.storage_key for a in assets}
    orphaned = [k for k in keys if not await repo.key_in_use(k)]

    async def remove_files() -> None:
        for key in orphaned:
            await store.delete(key)

    after_commit(session, remove_files)
