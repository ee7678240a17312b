"""Files under one root folder; keys are validated, so no path ever leaves the root."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

_KEY = re.compile(r"^[a-z0-9]{2}/[a-z0-9]{2}/[a-z0-9]{8,128}$")
_CHUNK = 256 * 1024


def key_for_checksum(checksum: str) -> str:
    return f"{checksum[:2]}/{checksum[2:4]}/{checksum}"


class LocalAssetStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_of(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"invalid storage key: {key!r}")
        return self.root / key

    async def put(self, key: str, data: bytes) -> None:
        await asyncio.to_thread(self._write, key, data)

    def _write(self, key: str, data: bytes) -> None:
        path = self.path_of(key)
        if path.exists():
            return  # content-addressed: same key, same bytes
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def put_file(self, key: str, path: str) -> None:
        await asyncio.to_thread(self._move, key, path)

    def _move(self, key: str, source: str) -> None:
        path = self.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            Path(source).unlink(missing_ok=True)
            return
        shutil.move(source, path)

    async def open_range(self, key: str, start: int, end: int) -> AsyncIterator[bytes]:
        path = self.path_of(key)
        f = await asyncio.to_thread(path.open, "rb")
        try:
            await asyncio.to_thread(f.seek, start)
            remaining = end - start + 1
            while remaining > 0:
                chunk = await asyncio.to_thread(f.read, min(_CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            f.close()

    async def size(self, key: str) -> int | None:
        path = self.path_of(key)
        try:
            return (await asyncio.to_thread(path.stat)).st_size
        except FileNotFoundError:
            return None

    async def local_path(self, key: str, scratch: Path) -> Path:
        path = self.path_of(key)
        if not await asyncio.to_thread(path.exists):
            raise FileNotFoundError(key)
        return path

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, True)

    async def ping(self) -> bool:
        def check() -> bool:
            self.root.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".ready-probe"
            probe.write_bytes(b"ok")
            probe.unlink()
            return True

        try:
            return await asyncio.to_thread(check)
        except OSError:
            return False
