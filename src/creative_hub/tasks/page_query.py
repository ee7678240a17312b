"""The history page's SELECT: built once per shape, with the filter values as parameters.

A shape is which filters are set (and how many search terms of each kind); the values
are bind parameters. Building the statement from ORM expressions on every request cost
more than running it, so each shape's statement is built (and, for the JSON page,
compiled: db/prepared.py) once and reused.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, select, tuple_
from sqlalchemy.engine import Dialect

from creative_hub.db.prepared import PreparedSelect
from creative_hub.models.enums import TaskStatus, TaskType
from creative_hub.models.task import Task
from creative_hub.tasks.page_json import task_json_column
from creative_hub.tasks.search import search_clause, search_terms, search_values
from creative_hub.tasks.search_order import newest_first, search_page, walks_fts


@dataclass(frozen=True)
class TaskFilters:
    task_type: TaskType | None = None
    status: TaskStatus | None = None
    q: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    workflow_id: uuid.UUID | None = None
    # Any of these types (galleries span several).
    task_types: tuple[TaskType, ...] = ()


# Every column but the search ones and the heartbeat (pages never show them).
PAGE_COLUMNS = tuple(
    column
    for column in Task.__table__.c
    if column.key not in {"search_text", "search_grams", "heartbeat_at"}
)

# (conditions set, number of task types, search shape or None, after a cursor)
Shape = tuple[tuple[bool, ...], int, tuple[int, int, int] | None, bool]

_SINGLE = ("task_type", "status", "created_after", "created_before", "workflow_id")


@dataclass(frozen=True)
class PageQuery:
    shape: Shape
    values: dict[str, Any]


def page_query(
    dialect: str,
    user_id: uuid.UUID,
    filters: TaskFilters,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> PageQuery:
    values: dict[str, Any] = {"user_id": user_id, "limit": limit}
    for name in _SINGLE:
        value = getattr(filters, name)
        if value is not None:
            values[name] = value
    for i, task_type in enumerate(filters.task_types):
        values[f"task_type_{i}"] = task_type
    terms = search_terms(filters.q) if filters.q else None
    if terms is not None:
        values.update(search_values(dialect, terms))
    if after is not None:
        values["after_created_at"], values["after_id"] = after
    shape: Shape = (
        tuple(getattr(filters, name) is not None for name in _SINGLE),
        len(filters.task_types),
        terms.shape if terms is not None else None,
        after is not None,
    )
    return PageQuery(shape, values)


def page_statement(columns: Sequence[Any], dialect: str, shape: Shape) -> Select[Any]:
    """Newest first, by (created_at, id); the parameters are named as in page_query."""
    singles, n_types, search, after = shape
    conditions = {
        "task_type": lambda: Task.task_type == bindparam("task_type"),
        "status": lambda: Task.status == bindparam("status"),
        "created_after": lambda: Task.created_at >= bindparam("created_after"),
        "created_before": lambda: Task.created_at < bindparam("created_before"),
        "workflow_id": lambda: Task.workflow_id == bindparam("workflow_id"),
    }
    filters: list[ColumnElement[bool]] = [Task.user_id == bindparam("user_id")]
    filters += [conditions[name]() for name, is_set in zip(_SINGLE, singles, strict=True) if is_set]
    if n_types:
        filters.append(Task.task_type.in_([bindparam(f"task_type_{i}") for i in range(n_types)]))
    if after:
        cursor = (
            bindparam("after_created_at", type_=Task.created_at.type),
            bindparam("after_id", type_=Task.id.type),
        )
        filters.append(tuple_(Task.created_at, Task.id) < tuple_(*cursor))
    if search is not None and walks_fts(dialect, search):
        return search_page(tuple(columns), filters, search, after)
    if search is not None:
        filters.append(search_clause(dialect, search))
    return newest_first(columns, filters, bindparam("limit", type_=Integer))


@functools.lru_cache(maxsize=512)
def rows_statement(dialect: str, shape: Shape) -> Select[Any]:
    """The page as rows of PAGE_COLUMNS, for session.execute(statement, values)."""
    return page_statement(PAGE_COLUMNS, dialect, shape)


@functools.lru_cache(maxsize=512)
def json_statement(dialect: Dialect, shape: Shape) -> PreparedSelect:
    """The page as (task as the API's JSON text, created_at, id) rows (page_json.py).

    On SQLite the page's ids are chosen first and only their rows are written as JSON:
    SQLite's sorter carries every result column, so selected alongside the sort the JSON
    was built for every row it saw (all 1,000 tasks matching a search, to keep 51):
    3.9 -> 2.6 ms of SQL for such a search. PostgreSQL showed no gain (its sorts here
    are top-N over narrower rows) and the extra lookups cost its plain page 0.4 ms.
    """
    columns: tuple[Any, ...] = (task_json_column(dialect), Task.created_at, Task.id)
    if dialect.name != "sqlite":
        return PreparedSelect(page_statement(columns, dialect.name, shape), dialect)
    page_ids = page_statement((Task.id,), dialect.name, shape).subquery("page")
    statement = (
        select(*columns)
        .where(Task.id.in_(select(page_ids.c.id)))
        .order_by(Task.created_at.desc(), Task.id.desc())
    )
    return PreparedSelect(statement, dialect)
