"""httpx's API over aiohttp's connection pool: the transport of every provider client.

httpx's own pool (httpcore on anyio) checks every pooled connection's socket on each
request, and each of its awaits goes through anyio's cancel scopes: with 20 chat replies
at once the hub spent 17.5-18.25 ms of CPU per 100-token reply, 13.0-13.25 ms on
aiohttp's pool and C parser (issue 7; docs/performance.md, session 9). The adapters keep
httpx's Request/Response; only the wire is aiohttp's.

aiohttp's errors become the httpx errors httpcore raises for the same failure, so
ProviderHttp maps them to the same codes (a refused connection is retried, a read
timeout is not, a truncated body is a protocol error).
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.request
from collections.abc import AsyncIterator, Iterator

import aiohttp
import aiohttp.helpers
import httpx
import yarl


@contextlib.contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timeout", request=request) from exc
    except (aiohttp.SocketTimeoutError, TimeoutError) as exc:
        raise httpx.ReadTimeout(str(exc) or "read timeout", request=request) from exc
    except aiohttp.ClientConnectorError as exc:
        raise httpx.ConnectError(str(exc), request=request) from exc
    except (
        aiohttp.ServerDisconnectedError,
        aiohttp.ClientPayloadError,
        aiohttp.ClientResponseError,
    ) as exc:
        raise httpx.RemoteProtocolError(str(exc), request=request) from exc
    except aiohttp.ClientOSError as exc:
        raise httpx.ReadError(str(exc), request=request) from exc
    except aiohttp.InvalidURL as exc:
        raise httpx.UnsupportedProtocol(str(exc), request=request) from exc
    except aiohttp.ClientError as exc:
        raise httpx.TransportError(str(exc), request=request) from exc


class _Body(httpx.AsyncByteStream):
    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors(self._request):
            # iter_any: each chunk as it arrives (an SSE token is not held for more).
            async for chunk in self._response.content.iter_any():
                yield chunk

    async def aclose(self) -> None:
        self._response.release()  # back to the pool if read to the end, else closed


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One aiohttp session (made on first use, in the loop that uses it)."""

    def __init__(self, *, max_connections: int = 100, keepalive_seconds: float = 15.0) -> None:
        self._max_connections = max_connections
        self._keepalive_seconds = keepalive_seconds
        self._session: aiohttp.ClientSession | None = None
        # HTTP(S)_PROXY, read once, as httpx reads it when its client is made (a hub behind
        # a company proxy reaches the provider APIs through it); NO_PROXY is asked of
        # urllib per request, in this thread, only when a proxy is set. aiohttp's
        # trust_env reads both, and ~/.netrc, on every request, in two worker-thread hops:
        # 0.1-0.25 ms each on a VM, on the path of every reply's first token.
        self._proxies = aiohttp.helpers.proxies_from_env()

    def _proxy_for(self, url: yarl.URL) -> aiohttp.helpers.ProxyInfo | None:
        proxy = self._proxies.get(url.scheme)
        if proxy is None or (url.host is not None and urllib.request.proxy_bypass(url.host)):
            return None
        return proxy

    def _open_session(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            keepalive_timeout=self._keepalive_seconds,
            ssl=httpx.create_ssl_context(),  # httpx's default: certifi's CAs
        )
        return aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # httpx decodes the body by its Content-Encoding
            cookie_jar=aiohttp.DummyCookieJar(),  # httpx keeps the cookies
            timeout=aiohttp.ClientTimeout(total=None),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = self._open_session()
        timeout = request.extensions.get("timeout", {})
        headers = [(k, v) for k, v in request.headers.multi_items() if k != "transfer-encoding"]
        try:
            body: bytes | httpx.AsyncByteStream | None = request.content or None
        except httpx.RequestNotRead:  # a streamed body (multipart): aiohttp sends it on
            assert isinstance(request.stream, httpx.AsyncByteStream)  # as httpx's own does
            body = request.stream
        url = yarl.URL(str(request.url), encoded=True)  # httpx has quoted it
        proxy = self._proxy_for(url)
        with _as_httpx_errors(request):
            response = await self._session.request(
                request.method,
                url,
                proxy=proxy.proxy if proxy else None,
                proxy_auth=proxy.proxy_auth if proxy else None,
                headers=headers,
                data=body,
                allow_redirects=False,
                skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    connect=timeout.get("pool"),  # waiting for a pooled connection
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                ),
            )
        extensions = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode()
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_Body(response, request),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
            await asyncio.sleep(0)  # let the connector's transports close
