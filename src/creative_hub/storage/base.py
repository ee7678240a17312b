"""The AssetStore port: bytes by content-addressed key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol


class AssetStore(Protocol):
    async def put(self, key: str, data: bytes) -> None: ...

    async def put_file(self, key: str, path: str) -> None:
        """Move a finished temporary file into the store under key."""
        ...

    def open_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        """Stream bytes start..end inclusive."""
        ...

    async def size(self, key: str) -> int | None: ...

    async def delete(self, key: str) -> None: ...

    async def ping(self) -> bool: ...
