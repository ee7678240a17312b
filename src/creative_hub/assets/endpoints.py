"""POST /api/assets (upload) and GET /api/assets/{id} (owner-checked stream with Range)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.datastructures import UploadFile

from creative_hub.assets import service
from creative_hub.assets.ranges import RangeNotSatisfiable, parse_range
from creative_hub.assets.schemas import AssetRead
from creative_hub.auth.dependencies import CurrentUser
from creative_hub.db.session import SessionDep
from creative_hub.kit.errors import (
    BadRequest,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    UnsupportedMediaType,
    error_responses,
)

router = APIRouter(prefix="/api/assets", tags=["assets"])
_COPY_CHUNK = 1024 * 1024


def _etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/ prefixes are ignored."""
    if if_none_match.strip() == "*":
        return True
    candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return etag.removeprefix("W/") in candidates


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=AssetRead,
    responses=error_responses(BadRequest, Unauthorized, PayloadTooLarge, UnsupportedMediaType),
    summary="Upload a file (multipart field 'file'); its type is read from its content",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def upload(request: Request, user: CurrentUser, session: SessionDep) -> AssetRead:
    runtime = request.app.state.runtime
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            "Send the file as multipart/form-data in a field named 'file'.",
            code="expected_multipart",
        )
    async with request.form(max_files=1, max_fields=5) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise BadRequest("Attach the file in a form field named 'file'.", code="missing_file")
        sink = service.UploadSink(
            runtime.settings.max_upload_bytes, str(runtime.settings.data_dir / "tmp")
        )
        try:
            while chunk := await upload.read(_COPY_CHUNK):
                sink.write(chunk)
            asset = await service.save_upload(
                session, runtime.store, user_id=user.id, sink=sink, filename=upload.filename
            )
        finally:
            sink.discard()
    return AssetRead.from_model(asset)


@router.get(
    "/{asset_id}",
    responses={
        200: {"description": "The file", "content": {"application/octet-stream": {}}},
        206: {"description": "The requested byte range"},
        304: {"description": "Not modified"},
        416: {"description": "Range not satisfiable"},
        **error_responses(Unauthorized, NotFound),
    },
    response_class=Response,
    summary="Download or stream a file you own (supports Range for audio/video seeking)",
)
async def download(
    asset_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    session: SessionDep,
    range_header: Annotated[str | None, Header(alias="range")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
    download: Annotated[bool, Query(description="Ask the browser to save the file")] = False,
) -> Response:
    store = request.app.state.runtime.store
    asset = await service.get_owned(session, asset_id, user.id)
    size = await store.size(asset.storage_key)
    if size is None:
        raise NotFound("This file's content is missing from storage.", code="asset_content_missing")
    etag = f'"{asset.checksum}"'
    disposition = "attachment" if download else "inline"
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": "private, max-age=3600",
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(asset.filename)}",
        "X-Content-Type-Options": "nosniff",
    }
    if if_none_match and _etag_matches(if_none_match, etag):
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable:
        return JSONResponse(
            status_code=status.HTTP_416_RANGE_NOT_SATISFIABLE,
            content={
                "error": {
                    "code": "range_not_satisfiable",
                    "message": f"The requested range is outside the file ({size} bytes).",
                    "details": {"size": size},
                }
            },
            headers={
                "Accept-Ranges": "bytes",
                "Content-Range": f"bytes */{size}",
                "Cache-Control": "no-store",
            },
        )
    start, end = byte_range if byte_range else (0, size - 1)
    headers["Content-Length"] = str(end - start + 1 if size else 0)
    code = status.HTTP_200_OK
    if byte_range:
        code = status.HTTP_206_PARTIAL_CONTENT
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    body = store.open_range(asset.storage_key, start, end) if size else iter(())
    return StreamingResponse(body, status_code=code, headers=headers, media_type=asset.mime_type)
