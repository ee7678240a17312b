"""The provider clients' transport (aiohttp under httpx) against a raw socket server:
broken connections and timeouts end as the same ProviderErrors as with httpx's own pool,
streamed bodies are handed over as they arrive, bodies go out and come back intact."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from creative_hub.providers.base import ProviderError
from creative_hub.providers.remote.http import HttpPolicy, ProviderHttp

# (reader, writer) of one accepted connection; the handler answers however it likes.
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
RawServer = Callable[..., Awaitable[ProviderHttp]]  # (handler, **HttpPolicy fields)


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """(head, body) of one HTTP/1.1 request with a Content-Length body."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    return head, await reader.readexactly(length)


@pytest.fixture
async def raw_server() -> AsyncIterator[RawServer]:
    servers: list[asyncio.Server] = []
    clients: list[ProviderHttp] = []

    async def start(handler: Handler, **policy: float) -> ProviderHttp:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        servers.append(server)
        port = server.sockets[0].getsockname()[1]
        client = ProviderHttp(
            "raw", f"http://127.0.0.1:{port}/v1", policy=HttpPolicy(backoff_base=0.01, **policy)
        )
        clients.append(client)
        return client

    yield start
    for client in clients:
        await client.aclose()
    for server in servers:
        server.close()


def response(status: str, body: bytes, *headers: str) -> bytes:
    head = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def test_a_connection_closed_before_the_answer_is_retried(raw_server: RawServer) -> None:
    calls = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal calls
        calls += 1
        await read_request(reader)
        if calls == 1:
            writer.close()  # hangs up without a status line
            return
        writer.write(response("200 OK", b'{"ok": true}', "Content-Type: application/json"))
        await writer.drain()
        writer.close()

    http = await raw_server(handler)
    assert await http.json("GET", "models") == {"ok": True}
    assert calls == 2


async def test_a_body_cut_short_is_a_protocol_error_not_a_crash(raw_server: RawServer) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b'{"data": [')
        await writer.drain()
        writer.close()

    http = await raw_server(handler)
    with pytest.raises(ProviderError) as caught:
        await http.json("GET", "models")
    assert caught.value.code == "provider_unavailable"
    assert "cannot be reached (RemoteProtocolError)" in caught.value.message


async def test_a_garbled_status_line_is_a_protocol_error(raw_server: RawServer) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"NOT-HTTP garbage\r\n\r\n")
        await writer.drain()
        writer.close()

    http = await raw_server(handler, max_retries=0)
    with pytest.raises(ProviderError) as caught:
        await http.json("GET", "models")
    assert caught.value.code == "provider_unavailable"
    assert "RemoteProtocolError" in caught.value.message


async def test_a_stalled_stream_times_out_once_without_a_retry(raw_server: RawServer) -> None:
    calls = 0

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal calls
        calls += 1
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
        await writer.drain()
        await asyncio.sleep(5)  # then nothing
        writer.close()

    http = await raw_server(handler)
    with pytest.raises(ProviderError) as caught:
        async with http.stream("POST", "chat", json={}, call_timeout=0.3) as r:
            await r.aread()
    assert caught.value.code == "provider_unavailable"
    assert "no answer in time (ReadTimeout)" in caught.value.message
    assert calls == 1


async def test_stream_chunks_are_handed_over_as_they_arrive(raw_server: RawServer) -> None:
    """The server sends the second event only after the client has read the first: a
    transport that waited to fill a buffer would never see it (the test would time out)."""
    first_read = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
        for event in (b"data: one\n\n", b"data: two\n\n"):
            writer.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
            await writer.drain()
            await first_read.wait()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    http = await raw_server(handler)
    seen: list[bytes] = []
    async with asyncio.timeout(5), http.stream("POST", "chat", json={}) as r:
        async for chunk in r.aiter_raw():
            seen.append(chunk)
            first_read.set()
    assert b"".join(seen) == b"data: one\n\ndata: two\n\n"
    assert seen[0] == b"data: one\n\n"


async def test_bodies_go_out_whole_and_gzip_comes_back_decoded(raw_server: RawServer) -> None:
    requests: list[tuple[bytes, bytes]] = []
    payload = gzip.compress(b'{"text": "caf\xc3\xa9"}')

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while not reader.at_eof():
            try:
                requests.append(await read_request(reader))
            except asyncio.IncompleteReadError:
                break
            writer.write(response("200 OK", payload, "Content-Encoding: gzip"))
            await writer.drain()
        writer.close()

    http = await raw_server(handler)
    audio = bytes(range(256)) * 40  # binary, not UTF-8
    r = await http.request("POST", "audio/transcriptions", data={"model": "m"},
                           files={"file": ("a.wav", audio, "audio/wav")})  # fmt: skip
    assert r.json() == {"text": "café"}
    assert await http.json("POST", "chat", json={"q": "ü"}) == {"text": "café"}
    (upload_head, upload), (json_head, body) = requests
    assert upload_head.startswith(b"POST /v1/audio/transcriptions HTTP/1.1\r\n")
    assert b"multipart/form-data; boundary=" in upload_head
    assert audio in upload and b'name="model"\r\n\r\nm\r\n' in upload
    assert body == '{"q":"ü"}'.encode()
    assert b"content-type: application/json" in json_head.lower()
    assert json_head.lower().count(b"user-agent:") == 1  # httpx's, not a second one


async def recording_proxy(seen: list[bytes], answer: bytes) -> tuple[asyncio.Server, str]:
    """A proxy that notes each request line in `seen` and answers `answer`: (it, its URL)."""

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head, _ = await read_request(reader)
        seen.append(head.split(b"\r\n")[0])
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_the_proxy_from_the_environment_is_used(
    raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY is obeyed, as it was with httpx's own pool: the request reaches the
    proxy in absolute form, for a provider host this machine could not resolve."""
    lines: list[bytes] = []
    answer = response("200 OK", b'{"via": "proxy"}', "Content-Type: application/json")
    server, proxy_url = await recording_proxy(lines, answer)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http = ProviderHttp("proxied", "http://provider.invalid/v1")
    try:
        assert await http.json("GET", "models") == {"via": "proxy"}
    finally:
        await http.aclose()
        server.close()
    assert lines == [b"GET http://provider.invalid/v1/models HTTP/1.1"]


async def test_a_host_in_no_proxy_is_reached_directly(
    raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_PROXY is obeyed too: a provider on the hub's own network is called directly
    while everything else goes through the company proxy."""
    proxied: list[bytes] = []

    async def provider(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(response("200 OK", b'{"via": "direct"}', "Content-Type: application/json"))
        await writer.drain()
        writer.close()

    server, proxy_url = await recording_proxy(proxied, response("502 Bad Gateway", b"proxy"))
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        http = await raw_server(provider)  # made after the environment is set, as at start-up
        assert await http.json("GET", "models") == {"via": "direct"}
    finally:
        server.close()
    assert proxied == []
