"""Replicate webhooks (optional): a finished prediction wakes the job at once.

When a Replicate provider's `public_url` setting names where Replicate can reach the hub,
predictions are created with `webhook` = <public_url>/api/providers/replicate/webhook/<token>
(one random token per prediction) and `webhook_events_filter: ["completed"]`. Replicate
POSTs the prediction there; the endpoint checks the signature as Replicate documents it
(Standard Webhooks: HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>" with the
account's signing secret from GET /v1/webhooks/default/secret, timestamps within 5 min)
and publishes a wake-up on the event bus, so the worker that polls (any process) polls
now. The webhook body is not trusted beyond that: the state is read with GET as always,
and polling (every `webhook_poll_interval` s) stays the fallback if no webhook comes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import time
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING

import structlog
from fastapi import APIRouter, Request, Response

from creative_hub.kit.errors import NotFound, Unauthorized, error_responses
from creative_hub.providers.base import ProviderError

if TYPE_CHECKING:
    from creative_hub.providers.remote.config import Connection

log = structlog.get_logger(__name__)

PATH = "/api/providers/replicate/webhook"
TOLERANCE_SECONDS = 300  # Replicate's guidance: refuse older (or future) timestamps
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Signing secret per live connection (fetched once; a rebuilt connection fetches again).
_secrets: weakref.WeakKeyDictionary[Connection, str] = weakref.WeakKeyDictionary()

router = APIRouter(tags=["providers"])


def channel(token: str) -> str:
    return f"replicate-webhook:{token}"


def webhook_url(conn: Connection, token: str) -> str | None:
    public = conn.config.setting("public_url")
    return f"{str(public).rstrip('/')}{PATH}/{token}" if public else None


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float) -> bool:
    """Whether one of webhook-signature's "v1,<base64>" entries signs this delivery."""
    msg_id = headers.get("webhook-id")
    stamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature")
    if not msg_id or not signatures or not stamp.isdigit():
        return False
    if abs(now - int(stamp)) > TOLERANCE_SECONDS:
        return False  # a replayed delivery
    try:
        key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except binascii.Error:
        return False
    signed = f"{msg_id}.{stamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(
        hmac.compare_digest(sig.partition(",")[2], expected)
        for sig in signatures.split()
        if sig.startswith("v1,")
    )


async def signing_secret(conn: Connection) -> str:
    if conn not in _secrets:
        data = await conn.http.json("GET", "v1/webhooks/default/secret")
        key = data.get("key") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key:
            raise conn.http.malformed("no key in the webhook secret")
        _secrets[conn] = key
    return _secrets[conn]


@router.post(
    f"{PATH}/{{token}}",
    status_code=204,
    summary="Replicate webhook (signed by Replicate; wakes the prediction's job)",
    responses=error_responses(Unauthorized, NotFound),
)
async def replicate_webhook(token: str, request: Request) -> Response:
    runtime = request.app.state.runtime
    hooked = [
        c
        for c in runtime.remote.connections.values()
        if c.config.kind == "replicate" and c.config.setting("public_url")
    ]
    if not hooked or not _TOKEN.fullmatch(token):
        raise NotFound("No Replicate webhooks are expected here.")
    body = await request.body()
    for conn in hooked:  # whose account signed it (the secret is per account)
        try:
            secret = await signing_secret(conn)
        except ProviderError as exc:
            log.warning("replicate_webhook_secret_failed", provider=conn.name, code=exc.code)
            continue
        if verify(secret, request.headers, body, time.time()):
            await runtime.bus.publish(channel(token), {"type": "replicate_webhook"})
            return Response(status_code=204)
    raise Unauthorized("The webhook signature does not verify.", code="invalid_signature")
