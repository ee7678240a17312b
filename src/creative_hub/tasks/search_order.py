"""SQLite search pages that stop at the page size instead of sorting every match.

A search page is the newest 50 of the user's matching tasks. Asked plainly, SQLite
collects every match from the FTS5 index (1,000 for a term in 1 % of 100,000 tasks),
looks each up and sorts them: 2.2 ms of SQL. FTS5 can instead hand its matches over
newest rowid first and stop after 51 (0.3 ms), but rowid order is write order, and
the page is in (created_at, id) order.

The two agree for every task written after all older tasks of its user, which is how a
history grows. Migration 0007 lists the others in tasks_out_of_order (a trigger checks
each new row against the user's newest). So a page is the union of
- the first `limit` in-order matches by rowid, newest first: among in-order rows
  rowid order is (created_at, id) order, so these are the newest in-order matches;
- the out-of-order matches newer than the oldest of those: none in a history written
  as it happened, where the FTS index is then never read in full,
then sorted and cut to `limit`. Any of the page's tasks is in one of the two sets. The
walk looks at no more than twice `limit` matches; if it comes back short (few matches,
or a history written in random order), the page is a plain search.

After a cursor, the walk starts below the cursor task's rowid when that task is still
there and in order (its time never changed): every in-order task older than it has a
smaller rowid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
    tuple_,
    union_all,
)

from creative_hub.models.task import Task
from creative_hub.tasks.search import fts_match, fts_matches, like_term, search_clause

_MAX_ROWID = 2**63 - 1
_TASK_ROWID: ColumnElement[int] = literal_column("tasks.rowid", Integer)
_OUT_OF_ORDER = table(
    "tasks_out_of_order",
    column("task_rowid", Integer),
    column("user_id", Task.user_id.type),
    column("created_at", Task.created_at.type),
    column("id", Task.id.type),
)


def newest_first(
    columns: Sequence[Any], conditions: Sequence[ColumnElement[bool]], limit: Any
) -> Select[Any]:
    """A page of tasks in the order of every task page and its cursor: (created_at, id),
    newest first. Here rather than in page_query, which imports this module."""
    return (
        select(*columns)
        .where(*conditions)
        .order_by(Task.created_at.desc(), Task.id.desc())
        .limit(limit)
    )


def walks_fts(dialect: str, search: tuple[int, int, int] | None) -> bool:
    """Whether a page of this search is served here (an FTS5 index to walk)."""
    return dialect == "sqlite" and search is not None and (search[0] > 0 or search[1] > 0)


def _in_order(rowid: ColumnElement[Any]) -> ColumnElement[bool]:
    return ~exists(
        select(literal_column("1"))
        .select_from(_OUT_OF_ORDER)
        .where(_OUT_OF_ORDER.c.task_rowid == rowid)
    )


def _walk_start() -> ColumnElement[Any]:
    """The cursor task's rowid if it is in order (else no bound: start from the top)."""
    cursor_task = Task.__table__.alias("cursor_task")
    rowid: ColumnElement[int] = literal_column("cursor_task.rowid", Integer)
    found = (
        select(rowid)
        .where(
            cursor_task.c.id == bindparam("after_id", type_=Task.id.type),
            cursor_task.c.created_at == bindparam("after_created_at", type_=Task.created_at.type),
            cursor_task.c.user_id == bindparam("user_id", type_=Task.user_id.type),
            _in_order(rowid),
        )
        .scalar_subquery()
    )
    return func.coalesce(found, literal_column(str(_MAX_ROWID), BigInteger))


def _other_candidates(
    walked: Any, filters: list[ColumnElement[bool]], search: tuple[int, int, int]
) -> tuple[Select[Any], Select[Any]]:
    """The rest of the page's candidates: after a full walk, the out-of-order matches
    newer than its oldest (few, found through the list's own (user, created_at, id)
    index, the FTS match checked per row); after a short walk, the plain search's page
    (the walk's rows may come again; the page's IN takes each once).

    Each query runs only in its own case: a LIMIT of 0 (a scalar subquery, evaluated
    once) stops it before it reads a row, where a false condition in WHERE did not keep
    SQLite from collecting the FTS match first.
    """
    limit = bindparam("limit", type_=Integer)
    user_id = bindparam("user_id", type_=Task.user_id.type)
    full_walk = select(func.count()).select_from(walked).scalar_subquery() >= limit
    all_rows = -1  # SQLite's LIMIT for "no limit"
    oldest = select(func.min(walked.c.task_rowid)).scalar_subquery()
    oldest_key = tuple_(
        select(walked.c.created_at).where(walked.c.task_rowid == oldest).scalar_subquery(),
        select(walked.c.id).where(walked.c.task_rowid == oldest).scalar_subquery(),
    )
    newer_than_walk = (
        select(_TASK_ROWID.label("task_rowid"))
        .select_from(_OUT_OF_ORDER.join(Task.__table__, _OUT_OF_ORDER.c.task_rowid == _TASK_ROWID))
        .where(
            _OUT_OF_ORDER.c.user_id == user_id,
            tuple_(_OUT_OF_ORDER.c.created_at, _OUT_OF_ORDER.c.id) > oldest_key,
            *filters,
            search_clause("sqlite", search, per_row=True),
        )
        .limit(case((full_walk, all_rows), else_=0))
        .subquery()
    )
    plain_page = (
        newest_first(
            [_TASK_ROWID.label("task_rowid")],
            [*filters, search_clause("sqlite", search)],
            case((full_walk, 0), else_=limit),
        )
        .select_from(Task.__table__)
        .subquery()
    )
    return select(newer_than_walk.c.task_rowid), select(plain_page.c.task_rowid)


def search_page(
    columns: tuple[Any, ...],
    filters: list[ColumnElement[bool]],
    search: tuple[int, int, int],
    after: bool,
) -> Select[Any]:
    """The page as in page_query.page_statement; `filters` are every condition but the
    search (the user, the filters, the cursor)."""
    n_long, n_grams, n_short = search
    walked = "tasks_fts" if n_long else "tasks_grams_fts"
    index = table(walked, column("rowid", Integer))
    also = [like_term(f"q_short_{i}") for i in range(n_short)]
    if n_long and n_grams:
        also.append(fts_match("tasks_grams_fts"))
    limit = bindparam("limit", type_=Integer)
    window = (
        select(_TASK_ROWID.label("task_rowid"), Task.created_at, Task.id)
        .select_from(index.join(Task.__table__, index.c.rowid == _TASK_ROWID))
        .where(fts_matches(walked), *filters, *also)
        .order_by(index.c.rowid.desc())
        # The walk looks no further than twice the page: where in-order tasks are that
        # rare (a history written in random order), the plain search is cheaper.
        .limit(limit * 2)
    )
    if after:
        window = window.where(index.c.rowid < _walk_start())
    seen = window.subquery("window")
    walked_rows = (
        select(seen.c.task_rowid, seen.c.created_at, seen.c.id)
        .where(_in_order(seen.c.task_rowid))
        .order_by(seen.c.task_rowid.desc())
        .limit(limit)
        .cte("newest_in_order")
    )
    newer_than_walk, plain_page = _other_candidates(walked_rows, filters, search)
    candidates = union_all(select(walked_rows.c.task_rowid), newer_than_walk, plain_page).subquery(
        "candidates"
    )
    return newest_first(columns, [_TASK_ROWID.in_(select(candidates.c.task_rowid))], limit)
