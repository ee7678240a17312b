"""POST /api/assets: what is accepted, what is refused, and that a refusal leaves nothing behind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from creative_hub.assets.service import clean_filename
from creative_hub.assets.sniff import ALLOWED_MIME_TYPES, sniff
from creative_hub.models.asset import Asset
from tests.assets.media import png, wav
from tests.support.api import BuildApp, assert_error, client_for, register


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    data: bytes,
    filename: str = "file.bin",
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    return await client.post(
        "/api/assets", files={"file": (filename, data, content_type)}, headers=headers
    )


def _files_under(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return [Path(root) / f for root, _dirs, files in os.walk(folder) for f in files]


async def _asset_rows(app: FastAPI) -> int:
    async with app.state.runtime.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Asset)) or 0)


def _assert_nothing_stored(app: FastAPI) -> None:
    data_dir = app.state.runtime.settings.data_dir
    assert _files_under(data_dir / "assets") == []
    assert _files_under(data_dir / "tmp") == []


async def test_upload_a_png(client: httpx.AsyncClient, app: FastAPI) -> None:
    user = await register(client)
    data = png()
    r = await upload(client, user["headers"], data, "picture.png", "image/png")
    assert r.status_code == 201, r.text
    asset: dict[str, Any] = r.json()
    assert asset["mime_type"] == "image/png"
    assert asset["size_bytes"] == len(data)
    assert asset["filename"] == "picture.png"
    assert asset["url"] == f"/api/assets/{asset['id']}"
    assert asset["task_id"] is None
    assert len(asset["checksum"]) == 64
    stored = _files_under(app.state.runtime.settings.data_dir / "assets")
    assert [p.read_bytes() for p in stored] == [data]
    assert _files_under(app.state.runtime.settings.data_dir / "tmp") == []


async def test_upload_other_media(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for data, filename, expected in (
        (wav(), "voice.wav", "audio/wav"),
        ("Once upon a time — a script.\n".encode(), "script.txt", "text/plain"),
        (b'{"scenes": [1, 2]}', "plan.json", "application/json"),
        (b"1\n00:00:01,000 --> 00:00:02,000\nHello\n", "subs.srt", "text/plain"),
    ):
        r = await upload(client, user["headers"], data, filename)
        assert r.status_code == 201, r.text
        assert r.json()["mime_type"] == expected, filename
        assert r.json()["size_bytes"] == len(data)


async def test_the_type_comes_from_the_content_not_the_name(client: httpx.AsyncClient) -> None:
    user = await register(client)
    r = await upload(client, user["headers"], png(), "evil.txt", "text/plain")
    assert r.status_code == 201, r.text
    assert r.json()["mime_type"] == "image/png"
    assert r.json()["filename"] == "evil.txt"
    r = await upload(client, user["headers"], b"just words", "photo.png", "image/png")
    assert r.status_code == 201, r.text
    assert r.json()["mime_type"] == "text/plain"


REFUSED = {
    "html": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
    "html after blank lines": b"  \n<html><body onload=alert(1)>",
    "html after a byte-order mark": "\ufeff<html><script>alert(1)</script></html>".encode(),
    "html after a BOM and spaces": "\ufeff \n <script>alert(1)</script>".encode(),
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "xml": b'<?xml version="1.0"?><x/>',
    "windows exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64,
    "binary": b"\x00\x01\x02\x03binary junk\x00",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "zip": b"PK\x03\x04" + b"\x14\x00" * 20,
    "latin-1 text": "caf\xe9 cr\xe8me br\xfbl\xe9e, not UTF-8".encode("latin-1"),
}


@pytest.mark.parametrize("data", REFUSED.values(), ids=REFUSED.keys())
def test_sniff_refuses(data: bytes) -> None:
    assert sniff(data) not in ALLOWED_MIME_TYPES


def test_sniff_tolerates_a_character_cut_at_the_end_of_the_sample() -> None:
    head = ("é" * 2048).encode()[:4095]
    assert sniff(head) == "text/plain"


async def test_dangerous_or_unknown_types_are_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client)
    for case, data in REFUSED.items():
        r = await upload(client, user["headers"], data, "x.png", "image/png")
        error = assert_error(r, 415, "unsupported_file_type")
        assert "image/png" in error["details"]["allowed"], case
    assert await _asset_rows(app) == 0
    _assert_nothing_stored(app)


async def test_an_empty_file_is_refused(client: httpx.AsyncClient, app: FastAPI) -> None:
    user = await register(client)
    r = await upload(client, user["headers"], b"", "empty.txt", "text/plain")
    error = assert_error(r, 400, "empty_file")
    assert "empty" in error["message"].lower()
    assert await _asset_rows(app) == 0
    _assert_nothing_stored(app)


async def test_an_upload_over_the_limit_is_413_and_leaves_nothing(build_app: BuildApp) -> None:
    limit = 2048
    async with build_app(max_upload_bytes=limit) as app, client_for(app) as client:
        user = await register(client)
        # Just over the limit: caught while copying the file.
        r = await upload(client, user["headers"], b"a" * (limit + 1), "big.txt")
        error = assert_error(r, 413, "upload_too_large")
        assert error["details"] == {"max_bytes": limit}
        assert "2 KiB" in error["message"]
        # Far over: refused before the body is read.
        r = await upload(client, user["headers"], b"a" * (limit + 200_000), "huge.txt")
        error = assert_error(r, 413, "payload_too_large")
        assert error["details"] == {"max_bytes": limit}
        assert "2 KiB" in error["message"]
        # Far over, without a Content-Length (streamed).
        body = _multipart(b"a" * (limit + 200_000))

        async def chunks() -> Any:
            for i in range(0, len(body[1]), 8192):
                yield body[1][i : i + 8192]

        r = await client.post(
            "/api/assets", content=chunks(), headers={**user["headers"], "Content-Type": body[0]}
        )
        error = assert_error(r, 413, "payload_too_large")
        assert error["details"] == {"max_bytes": limit}
        assert await _asset_rows(app) == 0
        _assert_nothing_stored(app)
        # At the limit is fine.
        r = await upload(client, user["headers"], b"a" * limit, "exact.txt")
        assert r.status_code == 201, r.text


def _multipart(data: bytes, filename: str = "big.txt") -> tuple[str, bytes]:
    boundary = "test-boundary-1234"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


FILENAMES = {
    "../../etc/passwd": "passwd",
    "..\\..\\windows\\system32\\cmd.txt": "cmd.txt",
    "/absolute/path/notes.txt": "notes.txt",
    "we'ird<name>|:*?.txt": "we'irdname.txt",
    "tab\there\x7f\u202e.txt": "tabhere.txt",
    "  spaced.txt  ": "spaced.txt",
    "..": "file.txt",
    "../..": "file.txt",
    "x" * 500 + ".txt": "x" * 200,
}


@pytest.mark.parametrize(("given", "expected"), FILENAMES.items())
def test_clean_filename(given: str, expected: str) -> None:
    assert clean_filename(given, "text/plain") == expected


def test_clean_filename_without_a_name_uses_the_type() -> None:
    assert clean_filename(None, "image/png") == "file.png"
    assert clean_filename("", "audio/wav") == "file.wav"


async def test_the_filename_is_reduced_to_a_safe_display_name(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    user = await register(client)
    for given, expected in FILENAMES.items():
        # Sent raw (httpx would percent-encode some characters, as browsers do).
        content_type, body = _multipart(b"plain words", given)
        r = await client.post(
            "/api/assets", content=body, headers={**user["headers"], "Content-Type": content_type}
        )
        assert r.status_code == 201, r.text
        assert r.json()["filename"] == expected, given
        # The file lives in the store under its checksum, never under the given name.
        data_dir = app.state.runtime.settings.data_dir
        [stored] = _files_under(data_dir / "assets")
        assert stored.name == r.json()["checksum"]
        assert stored.resolve().is_relative_to((data_dir / "assets").resolve())


async def test_the_same_bytes_are_stored_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    first = await register(client)
    second = await register(client)
    a = (await upload(client, first["headers"], png(), "a.png")).json()
    b = (await upload(client, second["headers"], png(), "b.png")).json()
    assert a["id"] != b["id"] and a["checksum"] == b["checksum"]
    assert len(_files_under(app.state.runtime.settings.data_dir / "assets")) == 1
    for user, asset in ((first, a), (second, b)):
        r = await client.get(asset["url"], headers=user["headers"])
        assert r.status_code == 200 and r.content == png()


async def test_a_missing_file_field_is_400(client: httpx.AsyncClient, app: FastAPI) -> None:
    user = await register(client)
    r = await client.post(
        "/api/assets", files={"other": ("a.png", png(), "image/png")}, headers=user["headers"]
    )
    assert_error(r, 400, "missing_file")
    r = await client.post(
        "/api/assets",
        data={"file": "not a file"},
        files={"x": ("x", b"x")},
        headers=user["headers"],
    )
    assert_error(r, 400, "missing_file")
    assert await _asset_rows(app) == 0


async def test_a_body_that_is_not_multipart_is_415(client: httpx.AsyncClient) -> None:
    user = await register(client)
    r = await client.post(
        "/api/assets", content=png(), headers={**user["headers"], "Content-Type": "image/png"}
    )
    assert_error(r, 415, "expected_multipart")
    r = await client.post("/api/assets", json={"file": "aGVsbG8="}, headers=user["headers"])
    assert_error(r, 415, "expected_multipart")


async def test_a_broken_multipart_body_is_400(client: httpx.AsyncClient) -> None:
    user = await register(client)
    r = await client.post(
        "/api/assets",
        content=b"this is not multipart at all",
        headers={**user["headers"], "Content-Type": "multipart/form-data; boundary=zzz"},
    )
    assert r.status_code == 400, r.text
    assert_error(r, 400)
    r = await client.post(
        "/api/assets",
        content=b"--zzz--\r\n",
        headers={**user["headers"], "Content-Type": "multipart/form-data"},
    )
    assert_error(r, 400)


async def test_uploading_needs_a_signed_in_user(client: httpx.AsyncClient, app: FastAPI) -> None:
    r = await client.post("/api/assets", files={"file": ("a.png", png(), "image/png")})
    assert_error(r, 401, "not_authenticated")
    assert await _asset_rows(app) == 0
    _assert_nothing_stored(app)


async def test_uploading_from_a_browser_session_needs_the_csrf_token(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await register(client, "browser")
    r = await client.post(
        "/api/auth/session", json={"username": "browser", "password": "s3cret-pass"}
    )
    csrf = r.json()["csrf_token"]
    files = {"file": ("a.png", png(), "image/png")}
    assert_error(await client.post("/api/assets", files=files), 403, "csrf_failed")
    assert await _asset_rows(app) == 0
    # The token may come as the header, or as a form field of the upload itself.
    r = await client.post("/api/assets", files=files, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    r = await client.post("/api/assets", files=files, data={"csrf_token": csrf})
    assert r.status_code == 201, r.text
