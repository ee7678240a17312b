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
- the out-of-order matches newer than the oldest of those (all of them if the walk
  came back short): none in a history written as it happened, where the FTS index
  is then never read in full,
then sorted and cut to `limit`. Any of the page's tasks is in one of the two sets.

After a cursor, the walk starts below the cursor task's rowid when that task is still
there and in order (its time never changed): every in-order task older than it has a
smaller rowid.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Select,
    String,
    Uuid,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
    tuple_,
    union_all,
)

from creative_hub.models.task import Task
from creative_hub.tasks.search import fts_match, like_term, search_clause

_MAX_ROWID = 2**63 - 1
_TASK_ROWID: ColumnElement[int] = literal_column("tasks.rowid", Integer)
_OUT_OF_ORDER = table("tasks_out_of_order", column("task_rowid", Integer), column("user_id", Uuid))


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


def _could_reach_page(walked: Any) -> ColumnElement[bool]:
    """Newer than the oldest of the walk, unless the walk came back short of a page."""
    oldest = select(func.min(walked.c.task_rowid)).scalar_subquery()
    oldest_key = tuple_(
        select(walked.c.created_at).where(walked.c.task_rowid == oldest).scalar_subquery(),
        select(walked.c.id).where(walked.c.task_rowid == oldest).scalar_subquery(),
    )
    walked_count = select(func.count()).select_from(walked).scalar_subquery()
    return or_(
        walked_count < bindparam("limit", type_=Integer),
        tuple_(Task.created_at, Task.id) > oldest_key,
    )


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
    matching = text(f"{walked} MATCH :{walked}_query").bindparams(
        bindparam(f"{walked}_query", type_=String)
    )
    newest_in_order = (
        select(_TASK_ROWID.label("task_rowid"), Task.created_at, Task.id)
        .select_from(index.join(Task.__table__, index.c.rowid == _TASK_ROWID))
        .where(matching, *filters, *also, _in_order(_TASK_ROWID))
        .order_by(index.c.rowid.desc())
        .limit(bindparam("limit", type_=Integer))
    )
    if after:
        newest_in_order = newest_in_order.where(index.c.rowid < _walk_start())
    walked_rows = newest_in_order.cte("newest_in_order")
    out_of_order = (
        select(_TASK_ROWID.label("task_rowid"))
        .select_from(Task.__table__)
        .where(
            _TASK_ROWID.in_(
                select(_OUT_OF_ORDER.c.task_rowid).where(
                    _OUT_OF_ORDER.c.user_id == bindparam("user_id", type_=Task.user_id.type)
                )
            ),
            # Before the search: an out-of-order task that cannot reach the page (older
            # than a full walk's oldest) never makes SQLite read the whole FTS match.
            _could_reach_page(walked_rows),
            *filters,
            search_clause("sqlite", search, per_row=True),
        )
    )
    candidates = union_all(select(walked_rows.c.task_rowid), out_of_order).subquery("candidates")
    return (
        select(*columns)
        .where(_TASK_ROWID.in_(select(candidates.c.task_rowid)))
        .order_by(Task.created_at.desc(), Task.id.desc())
        .limit(bindparam("limit", type_=Integer))
    )
