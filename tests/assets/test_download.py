"""GET /api/assets/{id}: owner-checked streaming with the right type, caching and Range."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from creative_hub.assets.ranges import RangeNotSatisfiable, parse_range
from tests.assets.media import png, wav
from tests.support.api import assert_error, register

TEXT = b"0123456789abcdefghijklmnopqrstuvwxyz"  # 36 bytes


async def _upload(
    client: httpx.AsyncClient, headers: dict[str, str], data: bytes, name: str
) -> dict[str, Any]:
    r = await client.post(
        "/api/assets", files={"file": (name, data, "application/octet-stream")}, headers=headers
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


@pytest.fixture
async def owner(client: httpx.AsyncClient) -> dict[str, Any]:
    user = await register(client, "owner")
    user["text"] = await _upload(client, user["headers"], TEXT, "alphabet.txt")
    return user


async def test_a_download_streams_the_bytes_with_the_right_headers(
    client: httpx.AsyncClient,
) -> None:
    user = await register(client)
    for data, name, mime in ((png(), "pic.png", "image/png"), (wav(), "a.wav", "audio/wav")):
        asset = await _upload(client, user["headers"], data, name)
        r = await client.get(asset["url"], headers=user["headers"])
        assert r.status_code == 200, r.text
        assert r.content == data
        assert r.headers["content-type"] == mime
        assert r.headers["content-length"] == str(len(data))
        assert r.headers["accept-ranges"] == "bytes"
        assert r.headers["etag"] == f'"{asset["checksum"]}"'
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["content-disposition"] == f"inline; filename*=UTF-8''{name}"
        assert "private" in r.headers["cache-control"]


async def test_text_is_served_as_text(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    r = await client.get(owner["text"]["url"], headers=owner["headers"])
    assert r.content == TEXT
    assert r.headers["content-type"].startswith("text/plain")


async def test_download_true_asks_the_browser_to_save(client: httpx.AsyncClient) -> None:
    user = await register(client)
    asset = await _upload(client, user["headers"], png(), "my picture é.png")
    r = await client.get(asset["url"], params={"download": "true"}, headers=user["headers"])
    assert r.status_code == 200
    assert (
        r.headers["content-disposition"] == "attachment; filename*=UTF-8''my%20picture%20%C3%A9.png"
    )


SATISFIABLE = {
    "bytes=0-9": (0, 9),
    "bytes=10-19": (10, 19),
    "bytes=-5": (31, 35),
    "bytes=10-": (10, 35),
    "bytes=30-1000": (30, 35),
    "bytes=-1000": (0, 35),
    "bytes=35-35": (35, 35),
    " bytes=0-0 ": (0, 0),
}
UNSATISFIABLE = ["bytes=36-", "bytes=1000-2000", "bytes=-0"]
IGNORED = ["bytes=5-2", "items=0-5", "bytes=abc", "bytes=0-1,4-5", "bytes=-", "0-5", ""]


@pytest.mark.parametrize(("header", "expected"), SATISFIABLE.items())
def test_parse_range_satisfiable(header: str, expected: tuple[int, int]) -> None:
    assert parse_range(header, len(TEXT)) == expected


@pytest.mark.parametrize("header", UNSATISFIABLE)
def test_parse_range_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, len(TEXT))


@pytest.mark.parametrize("header", IGNORED)
def test_parse_range_ignored(header: str) -> None:
    assert parse_range(header, len(TEXT)) is None


async def test_range_requests_return_206_with_the_slice(
    client: httpx.AsyncClient, owner: dict[str, Any]
) -> None:
    for range_header, (start, end) in SATISFIABLE.items():
        r = await client.get(
            owner["text"]["url"], headers={**owner["headers"], "Range": range_header}
        )
        assert r.status_code == 206, (range_header, r.text)
        assert r.content == TEXT[start : end + 1], range_header
        assert r.headers["content-range"] == f"bytes {start}-{end}/{len(TEXT)}"
        assert r.headers["content-length"] == str(end - start + 1)
        assert r.headers["accept-ranges"] == "bytes"
        assert r.headers["content-type"].startswith("text/plain")


async def test_a_range_outside_the_file_is_416(
    client: httpx.AsyncClient, owner: dict[str, Any]
) -> None:
    for range_header in UNSATISFIABLE:
        r = await client.get(
            owner["text"]["url"], headers={**owner["headers"], "Range": range_header}
        )
        error = assert_error(r, 416, "range_not_satisfiable")
        assert r.headers["content-range"] == f"bytes */{len(TEXT)}"
        assert error["details"] == {"size": len(TEXT)}


async def test_a_range_we_do_not_serve_gets_the_whole_file(
    client: httpx.AsyncClient, owner: dict[str, Any]
) -> None:
    for range_header in IGNORED:
        r = await client.get(
            owner["text"]["url"], headers={**owner["headers"], "Range": range_header}
        )
        assert r.status_code == 200, (range_header, r.text)
        assert r.content == TEXT
        assert "content-range" not in r.headers


async def test_a_matching_etag_is_304(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    url, headers = owner["text"]["url"], owner["headers"]
    etag = (await client.get(url, headers=headers)).headers["etag"]
    for candidate in (etag, f'"other", {etag}', f"W/{etag}", "*"):
        r = await client.get(url, headers={**headers, "If-None-Match": candidate})
        assert r.status_code == 304, candidate
        assert r.content == b""
        assert r.headers["etag"] == etag
    r = await client.get(url, headers={**headers, "If-None-Match": '"something-else"'})
    assert r.status_code == 200
    assert r.content == TEXT


async def test_another_users_asset_is_not_found(
    client: httpx.AsyncClient, owner: dict[str, Any]
) -> None:
    other = await register(client, "intruder")
    mine = await client.get(owner["text"]["url"], headers=other["headers"])
    error = assert_error(mine, 404, "asset_not_found")
    unknown = await client.get(f"/api/assets/{uuid.uuid4()}", headers=other["headers"])
    # Indistinguishable from an id that does not exist.
    assert unknown.json()["error"] == error
    ranged = await client.get(
        owner["text"]["url"], headers={**other["headers"], "Range": "bytes=0-3"}
    )
    assert_error(ranged, 404, "asset_not_found")
    assert TEXT[:4] not in ranged.content


async def test_a_download_needs_a_signed_in_user(
    client: httpx.AsyncClient, owner: dict[str, Any]
) -> None:
    r = await client.get(owner["text"]["url"])
    assert_error(r, 401, "not_authenticated")
    r = await client.get(owner["text"]["url"], headers={"Authorization": "Bearer nope"})
    assert_error(r, 401, "invalid_token")


async def test_a_bad_id_is_422(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    assert_error(
        await client.get("/api/assets/not-a-uuid", headers=owner["headers"]),
        422,
        "validation_error",
    )
    assert_error(
        await client.get("/api/assets/..%2F..%2Fetc%2Fpasswd", headers=owner["headers"]), 404
    )


async def test_an_api_key_and_a_browser_session_can_download(
    client: httpx.AsyncClient, owner: dict[str, Any]
) -> None:
    r = await client.post("/api/auth/api-keys", json={"name": "k"}, headers=owner["headers"])
    key = r.json()["key"]
    r = await client.get(owner["text"]["url"], headers={"Authorization": f"Bearer {key}"})
    assert r.status_code == 200 and r.content == TEXT
    # An <img>/<audio> tag sends only the cookie: a GET needs no CSRF token.
    await client.post("/api/auth/session", json={"username": "owner", "password": "s3cret-pass"})
    r = await client.get(owner["text"]["url"], headers={"Range": "bytes=0-3"})
    assert r.status_code == 206 and r.content == TEXT[:4]


async def test_content_missing_from_storage_is_a_clear_404(
    client: httpx.AsyncClient, app: FastAPI, owner: dict[str, Any]
) -> None:
    checksum = owner["text"]["checksum"]
    path = (
        Path(app.state.runtime.settings.data_dir)
        / "assets"
        / checksum[:2]
        / checksum[2:4]
        / checksum
    )
    path.unlink()
    assert_error(
        await client.get(owner["text"]["url"], headers=owner["headers"]),
        404,
        "asset_content_missing",
    )


async def test_a_large_file_streams_completely_and_seeks(client: httpx.AsyncClient) -> None:
    user = await register(client)
    data = bytes(range(256)) * 4096 * 3  # 3 MiB, several storage chunks
    # Make it a WAV so it is accepted, keeping the bulk arbitrary.
    header = wav(seconds=0.001)
    blob = header + data
    asset = await _upload(client, user["headers"], blob, "long.wav")
    r = await client.get(asset["url"], headers=user["headers"])
    assert r.content == blob
    start = len(blob) - 300_000 - 7
    r = await client.get(asset["url"], headers={**user["headers"], "Range": f"bytes={start}-"})
    assert r.status_code == 206
    assert r.content == blob[start:]
