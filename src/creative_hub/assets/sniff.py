"""The type of an upload, read from its bytes; the name and the client's header are not trusted."""

from __future__ import annotations

import filetype

# What users may upload: media the hub works with, and plain text (scripts, subtitles).
ALLOWED_MIME_TYPES = frozenset({
    "image/png", "image/jpeg", "image/webp", "image/gif",
    "video/mp4", "video/webm", "video/quicktime", "video/x-matroska",
    "audio/x-wav", "audio/wav", "audio/mpeg", "audio/ogg", "audio/x-flac", "audio/flac",
    "audio/mp4", "audio/webm",
    "text/plain", "application/json",
})  # fmt: skip
# filetype's names for a few types, mapped to what browsers expect.
_CANONICAL = {"audio/x-wav": "audio/wav", "audio/x-flac": "audio/flac", "video/x-m4v": "video/mp4"}


def sniff(head: bytes) -> str | None:
    """A MIME type from the first bytes (261 are enough), or None if unrecognised."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = str(kind.mime)
        return _CANONICAL.get(mime, mime)
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character may be cut at the end of the sample.
        if exc.start < len(head) - 4:
            return None
        text = head[: exc.start].decode("utf-8")
    # A byte-order mark is invisible: "\ufeff<html>" is still markup to a browser.
    stripped = text.lstrip().lstrip("\ufeff").lstrip()
    if stripped.startswith(("{", "[")):
        return "application/json"
    if stripped.startswith("<"):
        return None  # HTML/SVG/XML could run script when served: not accepted
    return "text/plain"


def extension_for(mime: str) -> str:
    return {
        "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
        "video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov",
        "video/x-matroska": "mkv", "audio/wav": "wav", "audio/mpeg": "mp3", "audio/ogg": "ogg",
        "audio/flac": "flac", "audio/mp4": "m4a", "audio/webm": "weba", "text/plain": "txt",
        "application/json": "json",
    }.get(mime, "bin")  # fmt: skip
