"""The one HTTP client every remote adapter uses: timeouts, retries, errors, circuit, redaction.

- Each call has a timeout (per provider; a call may pass its own).
- 408, 429 and 5xx responses and connection failures are retried with exponential
  backoff; a server's `retry-after-ms` / `Retry-After` (seconds or HTTP date) wins, and
  `x-should-retry` overrides (the official SDKs' rules, see PROVIDERS.md §0). A read
  timeout is not retried: the call already used its whole time budget.
- Every failure becomes a ProviderError with a stable code and the provider's own
  message, with the key scrubbed from it.
- A per-provider circuit breaker fails calls fast while the provider keeps failing.
- Downloads are allowed only from the configured base URL's host, or from hosts the
  adapter trusts (Replicate's file CDN); those others get a client without the
  provider's headers, so the API key only ever goes to the base URL's host. Downloads
  are capped in size (HttpPolicy.max_download_bytes).
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import orjson
import structlog
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from creative_hub.providers.base import ProviderError
from creative_hub.providers.remote.aiohttp_transport import AiohttpTransport
from creative_hub.providers.remote.circuit import CircuitBreaker
from creative_hub.providers.remote.redact import redact

log = structlog.get_logger(__name__)
T = TypeVar("T")

INVALID_API_KEY = "invalid_api_key"
RATE_LIMITED = "rate_limited"
PROVIDER_UNAVAILABLE = "provider_unavailable"
CONTENT_REJECTED = "content_rejected"
PROVIDER_ERROR = "provider_error"
ERROR_CODES = (
    INVALID_API_KEY,
    RATE_LIMITED,
    PROVIDER_UNAVAILABLE,
    CONTENT_REJECTED,
    PROVIDER_ERROR,
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 520, 522, 524, 529})
# Words in an error's type/code that mean "the provider refused this content".
_CONTENT_MARKERS = ("content_policy", "content_filter", "moderation", "safety", "refusal")
_MAX_MESSAGE = 500

# (response, provider's message) -> the error to raise, or None for the default mapping.
ErrorClassifier = Callable[[httpx.Response, str], ProviderError | None]


@dataclass(frozen=True)
class HttpPolicy:
    timeout: float = 60.0  # seconds per call (connect, read, write, pool each)
    connect_timeout: float = 10.0
    max_retries: int = 2  # attempts = 1 + max_retries
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    # A Retry-After longer than this is not waited for: the call fails as rate_limited.
    max_retry_after: float = 30.0
    max_download_bytes: int = 512 * 1024 * 1024  # one output file (a long video fits)


class HttpStatusError(ProviderError):
    """A provider's non-2xx answer, with its HTTP status (e.g. "no such endpoint": 404)."""

    def __init__(self, code: str, message: str, status: int) -> None:
        super().__init__(code, message)
        self.status = status


class _Retry(Exception):
    """A failed attempt that may be retried; carries the error to raise if it is the last."""

    def __init__(self, error: ProviderError, retry_after: float | None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


def provider_message(response: httpx.Response) -> tuple[str, str]:
    """(message, type/code words) from the error body shapes the providers use."""
    try:
        body: Any = response.json()
    except ValueError:
        text = response.text.strip()
        return (text[:_MAX_MESSAGE] or response.reason_phrase or f"HTTP {response.status_code}"), ""
    kinds: list[str] = []
    message = None
    if isinstance(body, dict):
        err = body.get("error")
        detail = body.get("detail")
        if isinstance(err, dict):  # OpenAI, Anthropic, ComfyUI
            message = err.get("message")
            kinds += [str(err.get(k)) for k in ("type", "code") if err.get(k)]
        elif isinstance(err, str):  # A1111, old ComfyUI
            message = body.get("errors") or body.get("detail") or err
            kinds.append(err)
        if message is None and isinstance(detail, dict):  # ElevenLabs
            message = detail.get("message")
            kinds.append(str(detail.get("status", "")))
        if message is None and isinstance(body.get("errors"), list):  # Stability
            message = "; ".join(str(e) for e in body["errors"])
            kinds.append(str(body.get("name", "")))
        if message is None:
            message = detail if isinstance(detail, str) else None
            message = message or body.get("message") or body.get("title")
    if not message:
        message = str(body)[:_MAX_MESSAGE]
    return str(message)[:_MAX_MESSAGE], " ".join(kinds).lower()


def retry_after_seconds(response: httpx.Response) -> float | None:
    headers = response.headers
    try:
        if "retry-after-ms" in headers:
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
    except ValueError:
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


class ProviderHttp:
    """One provider's connection pool, breaker and rules; shared by its adapters."""

    def __init__(
        self,
        name: str,
        base_url: str,
        *,
        headers: dict[str, str] | None = None,
        secrets: tuple[str, ...] = (),
        policy: HttpPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        classify: ErrorClassifier | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = name
        self.base_url = httpx.URL(base_url.rstrip("/") + "/")
        self.policy = policy or HttpPolicy()
        self.breaker = breaker or CircuitBreaker()
        self._secrets = secrets
        self._classify = classify
        self._transport = transport or AiohttpTransport()
        self._plain: httpx.AsyncClient | None = None  # other hosts: no provider headers
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            headers=headers or {},
            timeout=self._timeout(None),
            follow_redirects=False,  # a redirect could lead off the configured host
            transport=self._transport,
        )

    def _timeout(self, seconds: float | None) -> httpx.Timeout:
        total = seconds or self.policy.timeout
        return httpx.Timeout(total, connect=min(total, self.policy.connect_timeout))

    def redact(self, text: str) -> str:
        return redact(text, self._secrets)

    def error(self, code: str, message: str) -> ProviderError:
        return ProviderError(code, self.redact(f"{self.name}: {message}"))

    async def aclose(self) -> None:
        await self.client.aclose()
        if self._plain is not None:
            await self._plain.aclose()

    def _plain_client(self) -> httpx.AsyncClient:
        """A client with no default headers: what is sent to hosts other than base_url."""
        if self._plain is None:
            self._plain = httpx.AsyncClient(
                timeout=self._timeout(None), follow_redirects=False, transport=self._transport
            )
        return self._plain

    def same_origin(self, url: httpx.URL) -> bool:
        base = self.base_url
        return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)

    # -- calls ----------------------------------------------------------------------------

    async def request(
        self, method: str, path: str, *, call_timeout: float | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A 2xx response read in full, or a ProviderError."""
        async with self.stream(method, path, call_timeout=call_timeout, **kwargs) as response:
            await response.aread()
        return response

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.request(method, path, **kwargs)
        return self.parse_json(response)

    def parse_json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise self.malformed("the response is not JSON") from exc

    def event_error(self, kind: str, message: str) -> ProviderError:
        """An error a provider sent inside a 200 stream (`{"error": {type, message}}`)."""
        kind = kind.lower()
        if any(marker in kind for marker in _CONTENT_MARKERS):
            code = CONTENT_REJECTED
        elif "rate_limit" in kind:
            code = RATE_LIMITED
        elif any(word in kind for word in ("authentication", "api_key", "permission")):
            code = INVALID_API_KEY
        elif any(word in kind for word in ("overloaded", "server_error", "api_error")):
            code = PROVIDER_UNAVAILABLE
        else:
            code = PROVIDER_ERROR
        return self.error(code, f"{message} ({kind or 'error'})")

    def malformed(self, what: str) -> ProviderError:
        return self.error(PROVIDER_ERROR, f"unexpected response: {what}.")

    def event_object(self, raw: str) -> dict[str, Any]:
        """One streamed event's JSON object; anything else is a malformed response."""
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise self.malformed("a stream event is not JSON") from exc
        if not isinstance(data, dict):
            raise self.malformed("a stream event is not an object")
        return data

    @asynccontextmanager
    async def stream(
        self,
        method: str,
        path: str,
        *,
        call_timeout: float | None = None,
        client: httpx.AsyncClient | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[httpx.Response]:
        """A 2xx response whose body is not read yet (SSE, audio). Retries happen only
        before the body starts; errors while reading it are mapped here too."""
        response = await self._open(method, path, call_timeout, kwargs, client or self.client)
        try:
            yield response
        except httpx.HTTPError as exc:
            error = self._transport_error(exc)
            self._record(error)
            raise error from exc
        finally:
            await response.aclose()

    async def download(
        self,
        url: str,
        *,
        call_timeout: float | None = None,
        trusted: Callable[[httpx.URL], bool] | None = None,
    ) -> bytes:
        """Bytes from a URL the provider returned: on the configured host (sent with the
        provider's headers), or on a host `trusted` accepts (sent with no credentials)."""
        target = self.base_url.join(url)
        if self.same_origin(target):
            client = self.client
        elif trusted is not None and trusted(target):
            client = self._plain_client()
        else:
            raise self.error(
                PROVIDER_ERROR,
                f"returned a file on another host ({target.host}); only "
                f"{self.base_url.host} is fetched.",
            )
        async with self.stream("GET", str(target), call_timeout=call_timeout, client=client) as r:
            return await self._read_capped(r)

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """The body, refused once it passes max_download_bytes (a runaway or hostile file)."""
        cap = self.policy.max_download_bytes
        too_big = self.error(
            PROVIDER_ERROR,
            f"the output file is larger than {cap / 2**20:.3g} MiB "
            "(the provider's max_download_mb); it was not fetched.",
        )
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise too_big
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > cap:
                raise too_big
        return bytes(body)

    async def guarded(
        self,
        what: str,
        attempt: Callable[[], Awaitable[T]],
        transient: Callable[[Exception], bool],
    ) -> T:
        """A call that is not plain HTTP (ComfyUI's websocket) under the same rules: the
        breaker may refuse it, transient failures are retried with the same backoff, and
        a final one counts against the provider. Other errors are raised as they are."""

        async def once() -> T:
            try:
                return await attempt()
            except Exception as exc:
                if not transient(exc):
                    raise
                message = f"{what} cannot be reached ({type(exc).__name__})."
                raise _Retry(self.error(PROVIDER_UNAVAILABLE, message), None) from exc

        return await self._under_policy(once)

    # -- internals ------------------------------------------------------------------------

    def _ensure_allowed(self) -> None:
        """Fail fast while the circuit is open."""
        if not self.breaker.allow():
            health = self.breaker.health()
            wait = f" for {health.retry_in_seconds:.0f} s" if health.retry_in_seconds else ""
            raise self.error(
                PROVIDER_UNAVAILABLE,
                f"unhealthy after {health.consecutive_failures} failures in a row; "
                f"not called{wait}. Last error: {health.last_error}",
            )

    def _retrying(self) -> AsyncRetrying:
        return AsyncRetrying(
            stop=stop_after_attempt(1 + self.policy.max_retries),
            wait=self._wait,
            retry=retry_if_exception(lambda e: isinstance(e, _Retry)),
            before_sleep=self._log_retry,
            reraise=True,
        )

    async def _open(
        self,
        method: str,
        path: str,
        call_timeout: float | None,
        kwargs: dict[str, Any],
        client: httpx.AsyncClient,
    ) -> httpx.Response:
        if kwargs.get("json") is not None:  # as httpx: json=None sends no body
            kwargs = _json_as_content(kwargs)

        async def once() -> httpx.Response:  # a coroutine function: tenacity awaits it
            return await self._attempt(method, path, call_timeout, kwargs, client)

        return await self._under_policy(once)

    async def _under_policy(self, once: Callable[[], Awaitable[T]]) -> T:
        """One call under the provider's rules: refused while the circuit is open, a
        _Retry retried with backoff, a final failure counted (_record), success noted."""
        self._ensure_allowed()
        try:
            result: T = await self._retrying()(once)
        except _Retry as exc:
            self._record(exc.error)
            raise exc.error from None
        except ProviderError as exc:
            self._record(exc)
            raise
        except BaseException:
            self.breaker.release_probe()
            raise
        self.breaker.record_success()
        return result

    async def _attempt(
        self,
        method: str,
        path: str,
        call_timeout: float | None,
        kwargs: dict[str, Any],
        client: httpx.AsyncClient,
    ) -> httpx.Response:
        request = client.build_request(method, path, timeout=self._timeout(call_timeout), **kwargs)
        try:
            response = await client.send(request, stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
            raise _Retry(self._transport_error(exc), None) from exc
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc
        if response.is_success:
            return response
        try:
            await response.aread()
        except httpx.HTTPError as exc:
            raise self._transport_error(exc) from exc
        finally:
            await response.aclose()
        error = self._status_error(response)
        should = response.headers.get("x-should-retry")
        retry = response.status_code in RETRY_STATUSES if should is None else should == "true"
        retry_after = retry_after_seconds(response)
        if retry_after is not None and retry_after > self.policy.max_retry_after:
            retry = False  # longer than a caller should be kept waiting
        if retry:
            raise _Retry(error, retry_after)
        raise error

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retry) and exc.retry_after is not None:
            return exc.retry_after
        exponent = state.attempt_number - 1
        backoff = min(self.policy.backoff_max, self.policy.backoff_base * 2**exponent)
        return float(backoff * (0.75 + random.random() / 4))  # noqa: S311 (jitter, not a secret)

    async def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        delay = state.next_action.sleep if state.next_action else 0.0
        code = exc.error.code if isinstance(exc, _Retry) else "error"
        log.info("provider_retry", provider=self.name, attempt=state.attempt_number,
                 code=code, delay=round(delay, 3))  # fmt: skip

    def _status_error(self, response: httpx.Response) -> HttpStatusError:
        message, kinds = provider_message(response)
        status = response.status_code
        if self._classify is not None:
            custom = self._classify(response, message)
            if custom is not None:
                return HttpStatusError(custom.code, self.redact(custom.message), status)
        if any(marker in kinds for marker in _CONTENT_MARKERS):
            code = CONTENT_REJECTED
        elif status in (401, 403):
            code = INVALID_API_KEY
        elif status == 429:
            code = RATE_LIMITED
        elif status >= 500 or status == 408:
            code = PROVIDER_UNAVAILABLE
        else:
            code = PROVIDER_ERROR
        error = self.error(code, f"{message} (HTTP {status})")
        return HttpStatusError(error.code, error.message, status)

    def _transport_error(self, exc: httpx.HTTPError) -> ProviderError:
        if isinstance(exc, httpx.TimeoutException):
            return self.error(PROVIDER_UNAVAILABLE, f"no answer in time ({type(exc).__name__}).")
        if isinstance(exc, httpx.ConnectError | httpx.RemoteProtocolError | httpx.NetworkError):
            return self.error(PROVIDER_UNAVAILABLE, f"cannot be reached ({type(exc).__name__}).")
        return self.error(PROVIDER_ERROR, f"{type(exc).__name__}: {exc}")

    def _record(self, error: ProviderError) -> None:
        # Only "the provider is down" counts; a bad key or a refusal means it answered.
        if error.code == PROVIDER_UNAVAILABLE:
            self.breaker.record_failure(error.message)
        else:
            self.breaker.record_success()


def _json_as_content(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`json=` encoded once by orjson, not by httpx's json.dumps on every attempt: a chat
    request carries the whole conversation (100 messages, 36 KB: 128 -> 4.5 us)."""
    kwargs = dict(kwargs)
    headers = httpx.Headers(kwargs.pop("headers", None))
    headers.setdefault("Content-Type", "application/json")
    kwargs["headers"] = headers
    kwargs["content"] = orjson.dumps(kwargs.pop("json"), option=orjson.OPT_NON_STR_KEYS)
    return kwargs
