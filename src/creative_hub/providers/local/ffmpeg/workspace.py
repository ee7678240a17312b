"""A scratch folder inside out_dir: partial files live there and are renamed out on success.

Being inside out_dir keeps the final rename on one filesystem (atomic); whatever is left
when the job fails or is cancelled goes with the folder.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from types import TracebackType

from creative_hub.providers.base import ProviderError


class Workspace:
    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.stem = uuid.uuid4().hex
        self.path = out_dir / f".ffmpeg-{self.stem}.partial"

    def __enter__(self) -> Workspace:
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self.path.mkdir()
        except OSError as exc:
            raise ProviderError(
                "output_unwritable", f"Cannot write into {self.out_dir}: {exc.strerror}."
            ) from exc
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def file(self, name: str) -> Path:
        return self.path / name

    def publish(self, scratch: Path, suffix: str) -> Path:
        """Move a finished scratch file to out_dir as <stem><suffix>."""
        final = self.out_dir / f"{self.stem}{suffix}"
        os.replace(scratch, final)
        return final

    def publish_as(self, scratch: Path, final: Path) -> Path:
        """Move a finished scratch file to an exact path (same filesystem: atomic)."""
        os.replace(scratch, final)
        return final
