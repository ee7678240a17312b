"""Replicate predictions: create, poll until terminal, cancel, and fetch output files.

Polling uses the hub's own path for the prediction id (never `urls.get` from the
response), and output files are fetched only from allowed hosts, so a response cannot
make the hub request an arbitrary URL. With a `public_url` setting, predictions also
carry a webhook that wakes the poll at once (replicate_webhook.py).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import fnmatch
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from creative_hub.providers.base import Progress, ProviderError
from creative_hub.providers.remote.config import Connection
from creative_hub.providers.remote.http import (
    CONTENT_REJECTED,
    PROVIDER_ERROR,
    PROVIDER_UNAVAILABLE,
)
from creative_hub.providers.remote.replicate_webhook import channel, webhook_url

TERMINAL = frozenset({"succeeded", "failed", "canceled"})
STATUSES = TERMINAL | {"starting", "processing"}
_VERSION = re.compile(r"[0-9a-f]{64}")
_MODEL = re.compile(r"([\w.-]+)/([\w.-]+)(?::([0-9a-f]{64}))?")
_ID = re.compile(r"[A-Za-z0-9]+")
# tqdm bars in the logs ("  50%|█████     | 2/4 [...]"): Replicate's own progress signal.
_PERCENT = re.compile(r"(\d{1,3})%\|")
# Replicate's safety checkers fail predictions with this wording.
_NSFW = re.compile(r"\bnsfw\b|safety checker|sensitive content", re.IGNORECASE)
DEFAULT_OUTPUT_HOSTS = ("replicate.delivery", "*.replicate.delivery")


@dataclass(frozen=True)
class Prediction:
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def status(self) -> str:
        return str(self.data["status"])

    def output_urls(self) -> list[str]:
        """File URLs in `output`: a URL, a list of them, or a dict of them."""
        output = self.data.get("output")
        items = (
            output.values()
            if isinstance(output, dict)
            else (output if isinstance(output, list) else [output])
        )
        files = ("https://", "http://", "data:")  # sync-mode outputs may be data URLs
        return [u for u in items if isinstance(u, str) and u.startswith(files)]

    def usage(self) -> dict[str, Any]:
        metrics = self.data.get("metrics")
        predict = metrics.get("predict_time") if isinstance(metrics, dict) else None
        info: dict[str, Any] = {"prediction_id": self.id}
        if isinstance(predict, int | float):
            info["predict_time"] = round(float(predict), 3)
        return info

    def percent(self) -> int | None:
        found = _PERCENT.findall(str(self.data.get("logs") or ""))
        return min(100, int(found[-1])) if found else None


async def _wake_on(events: AsyncIterator[Any], woken: asyncio.Event) -> None:
    async for _event in events:
        woken.set()


class Predictions:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _parse(self, data: Any) -> Prediction:
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("id"), str)
            or not _ID.fullmatch(data["id"])
            or data.get("status") not in STATUSES
        ):
            raise self.conn.http.malformed("not a prediction")
        return Prediction(data)

    async def create(
        self, model: str, inputs: dict[str, Any], hook: dict[str, Any] | None = None
    ) -> Prediction:
        wait = int(self.conn.config.setting("wait", 0))
        headers = {"Prefer": f"wait={min(60, wait)}"} if wait > 0 else {}
        if _VERSION.fullmatch(model):
            path, body = "v1/predictions", {"version": model, "input": inputs}
        else:
            match = _MODEL.fullmatch(model)
            if match is None:
                raise self.conn.http.error(
                    PROVIDER_ERROR,
                    f"{model!r} is not owner/name, owner/name:version or a version id.",
                )
            owner, name, version = match.groups()
            if version:
                path, body = "v1/predictions", {"version": version, "input": inputs}
            else:  # official models run by name, on their latest version
                path, body = f"v1/models/{owner}/{name}/predictions", {"input": inputs}
        body.update(hook or {})
        call_timeout = float(self.conn.http.policy.timeout) + wait
        data = await self.conn.http.json(
            "POST", path, json=body, headers=headers, call_timeout=call_timeout
        )
        return self._parse(data)

    async def get(self, prediction_id: str) -> Prediction:
        return self._parse(await self.conn.http.json("GET", f"v1/predictions/{prediction_id}"))

    async def cancel(self, prediction_id: str) -> None:
        # Best effort, on the way out of a cancelled job.
        with contextlib.suppress(ProviderError):
            await self.conn.http.request(
                "POST", f"v1/predictions/{prediction_id}/cancel", call_timeout=10
            )

    async def run(self, model: str, inputs: dict[str, Any], progress: Progress) -> Prediction:
        """Create, then poll until done (woken early by a webhook when one is set up);
        the prediction is cancelled if the job is."""
        token = secrets.token_urlsafe(24)
        url = webhook_url(self.conn, token)
        bus = self.conn.bus
        if url is None or bus is None:
            return await self._run(model, inputs, progress, None, None)
        hook = {"webhook": url, "webhook_events_filter": ["completed"]}
        woken = asyncio.Event()
        # Subscribed before the prediction exists, so a fast webhook is not missed.
        async with bus.subscribe(channel(token)) as events:
            listener = asyncio.create_task(_wake_on(events, woken))
            try:
                return await self._run(model, inputs, progress, hook, woken)
            finally:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener

    async def _run(
        self,
        model: str,
        inputs: dict[str, Any],
        progress: Progress,
        hook: dict[str, Any] | None,
        woken: asyncio.Event | None,
    ) -> Prediction:
        prediction = await self.create(model, inputs, hook)
        try:
            prediction = await self._until_done(prediction, progress, woken)
        except asyncio.CancelledError:
            await asyncio.shield(self.cancel(prediction.id))
            raise
        return self._finished(prediction)

    async def _until_done(
        self, prediction: Prediction, progress: Progress, woken: asyncio.Event | None
    ) -> Prediction:
        interval = float(self.conn.config.setting("poll_interval", 1.0))
        if woken is not None:  # the webhook says when; polling only as the fallback
            interval = float(self.conn.config.setting("webhook_poll_interval", 30.0))
        deadline = time.monotonic() + float(self.conn.config.setting("generation_timeout", 1800))
        while prediction.status not in TERMINAL:
            # Every poll reports (the task store throttles its writes, events go out).
            percent = prediction.percent()
            message = f"Replicate: {prediction.status}" + (f" {percent}%" if percent else "")
            await progress(min(0.9, 0.05 + 0.85 * (percent or 0) / 100), message)
            if time.monotonic() > deadline:
                await self.cancel(prediction.id)
                raise self.conn.http.error(
                    PROVIDER_UNAVAILABLE, f"prediction {prediction.id} did not finish in time."
                )
            if woken is None:
                await asyncio.sleep(interval)
            else:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(interval):
                        await woken.wait()
                woken.clear()
            prediction = await self.get(prediction.id)
        return prediction

    def _finished(self, prediction: Prediction) -> Prediction:
        if prediction.status == "succeeded":
            return prediction
        message = str(prediction.data.get("error") or f"the prediction was {prediction.status}")
        code = CONTENT_REJECTED if _NSFW.search(message) else PROVIDER_ERROR
        raise self.conn.http.error(code, message)

    # -- output files ------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        target = httpx.URL(url)
        return self.conn.http.same_origin(target) or self._output_host(target)

    def _output_host(self, target: httpx.URL) -> bool:
        """One of the admin's output_hosts (default replicate.delivery): fetched, but with
        no credentials; the API token goes only to the base URL's host."""
        hosts = self.conn.config.setting("output_hosts", DEFAULT_OUTPUT_HOSTS)
        netloc = f"{target.host}:{target.port}" if target.port else target.host
        return target.scheme in ("https", "http") and any(
            fnmatch.fnmatchcase(netloc, str(pattern)) for pattern in hosts
        )

    async def download(self, url: str) -> bytes:
        if url.startswith("data:"):  # the file itself, nothing to fetch
            header, _, payload = url.partition(",")
            if not header.endswith(";base64"):
                raise self.conn.http.malformed("a data URL output is not base64")
            try:
                return base64.b64decode(payload, validate=True)
            except binascii.Error as exc:
                raise self.conn.http.malformed("a data URL output is not base64") from exc
        if not self.allowed(url):
            raise self.conn.http.error(
                PROVIDER_ERROR,
                f"returned a file on a host that is not allowed ({httpx.URL(url).host}); "
                "add it to the provider's output_hosts to trust it.",
            )
        timeout = float(self.conn.config.setting("download_timeout", 300))
        return await self.conn.http.download(url, call_timeout=timeout, trusted=self._output_host)
