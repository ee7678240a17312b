"""The AssetStore port: bytes by content-addressed key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
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

    async def local_path(self, key: str, scratch: Path) -> Path:
        """A file on this machine holding the bytes, for engines that need a path.

        Read it, never write it: a local store hands out its own file; a remote store
        downloads into `scratch`.
        """
        ...

    async def delete(self, key: str) -> None: ...

    async def ping(self) -> bool: ...
