"""Opaque keyset cursors: newest first by (created_at, id)."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from creative_hub.kit.errors import BadRequest
from creative_hub.kit.time import as_utc


def encode_cursor(created_at: datetime, id_: uuid.UUID) -> str:
    raw = f"{as_utc(created_at).isoformat()}|{id_}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, _, id_text = base64.urlsafe_b64decode(padded).decode().partition("|")
        return as_utc(datetime.fromisoformat(created)), uuid.UUID(id_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadRequest(
            "The cursor is not valid; use the next_cursor value from a previous page.",
            code="invalid_cursor",
        ) from exc
