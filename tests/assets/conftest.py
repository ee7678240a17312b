from __future__ import annotations

from tests.auth.conftest import build_app

__all__ = ["build_app"]
