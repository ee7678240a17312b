"""A task as the API shows it (schemas.TaskRead), built as JSON text by the database.

A history page is up to 100 tasks. Decoding three JSON columns, two UUIDs and three
timestamps per row in Python, then encoding it all again, was most of the page's cost;
the database writes the same JSON in one pass (SQLite's json_object, PostgreSQL's
json_build_object) and Python only joins the rows. tests/tasks/test_page_json.py holds
it to TaskRead field by field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
    type_coerce,
)
from sqlalchemy.engine import Dialect

from creative_hub.models.task import Task

_t = Task.__table__.c


def _raw(column: Any) -> ColumnElement[Any]:
    """The column as stored, without SQLAlchemy's Python-side conversion."""
    return type_coerce(column, String)


def _sqlite_uuid(column: Any) -> ColumnElement[Any]:
    # Stored as 32 hex digits; the API shows the dashed form.
    raw = _raw(column)
    parts = [func.substr(raw, start, size) for start, size in ((1, 8), (9, 4), (13, 4), (17, 4))]
    dashed: ColumnElement[Any] = parts[0]
    for part in [*parts[1:], func.substr(raw, 21)]:
        dashed = dashed.op("||")(literal("-")).op("||")(part)
    return func.lower(dashed)


def _sqlite_time(column: Any) -> ColumnElement[Any]:
    # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
    raw = _raw(column)
    return func.replace(raw, " ", "T").op("||")(literal("Z"))


# TaskRead's fields, in its order. A field a dialect does not convert is its column as is.
_FIELDS = (
    "id", "task_type", "status", "progress", "progress_message", "input_data", "output_data",
    "output_urls", "provider", "model", "attempts", "cancel_requested", "workflow_id",
    "created_at", "started_at", "finished_at", "error",
)  # fmt: skip


def _object(build: Callable[..., ColumnElement[Any]], values: dict[str, Any]) -> ColumnElement[Any]:
    """build('id', <id>, 'task_type', <type>, ...) over every field, in order."""
    pairs: list[Any] = []
    for name in _FIELDS:
        pairs += [name, values[name] if name in values else _t[name]]
    return build(*pairs)


def _sqlite() -> ColumnElement[Any]:
    as_json = func.json  # marks text as JSON, so json_object embeds it, not quotes it
    urls = _raw(_t.output_urls)
    error = case(
        (
            _t.error_code.is_not(None),
            func.json_object("code", _t.error_code, "message", func.coalesce(_t.error_message, "")),
        ),
        else_=literal("null"),
    )

    def time_or_null(column: Any) -> ColumnElement[Any]:
        return case((column.is_(None), None), else_=_sqlite_time(column))

    return _object(
        func.json_object,
        {
            "id": _sqlite_uuid(_t.id),
            "task_type": _raw(_t.task_type),
            "status": _raw(_t.status),
            "input_data": as_json(_raw(_t.input_data)),
            "output_data": as_json(func.coalesce(_raw(_t.output_data), "null")),
            "output_urls": as_json(
                case((urls.is_(None), "[]"), (urls == "null", "[]"), else_=urls)
            ),
            "cancel_requested": as_json(case((_t.cancel_requested, "true"), else_="false")),
            "workflow_id": case(
                (_t.workflow_id.is_(None), None), else_=_sqlite_uuid(_t.workflow_id)
            ),
            "created_at": _sqlite_time(_t.created_at),
            "started_at": time_or_null(_t.started_at),
            "finished_at": time_or_null(_t.finished_at),
            "error": as_json(error),
        },
    )


def _postgres_time(column: Any) -> ColumnElement[Any]:
    return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')


def _postgres() -> ColumnElement[Any]:
    urls = _t.output_urls
    error = case(
        (
            _t.error_code.is_not(None),
            func.json_build_object(
                "code", _t.error_code, "message", func.coalesce(_t.error_message, "")
            ),
        ),
    )
    empty = func.jsonb_build_array()
    return _object(
        func.json_build_object,
        {
            "output_urls": case(
                (urls.is_(None), empty), (func.jsonb_typeof(urls) == "null", empty), else_=urls
            ),
            "created_at": _postgres_time(_t.created_at),
            "started_at": _postgres_time(_t.started_at),
            "finished_at": _postgres_time(_t.finished_at),
            "error": error,
        },
    )


def task_json_column(dialect: Dialect) -> ColumnElement[str]:
    """One text column: the row's task as the API's JSON."""
    return literal_column(_compiled(dialect.name, dialect), String).label("task_json")


@functools.lru_cache(maxsize=4)
def _compiled(name: str, dialect: Dialect) -> str:
    # Compiled once to plain SQL: as an expression tree, this column's cache key (which
    # SQLAlchemy derives on every execution) cost more than the JSON saves.
    # ::text on PostgreSQL, or asyncpg would decode the json value into a dict.
    expression = _sqlite() if name == "sqlite" else cast(_postgres(), Text)
    return str(expression.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
