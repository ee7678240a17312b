"""What of a task is searchable, and how a query becomes SQL on each database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, literal_column, select, text

from creative_hub.models.task import Task

# input_data keys whose text a user would search for.
SEARCH_KEYS = ("prompt", "negative_prompt", "text", "idea", "content", "title", "description",
               "mood", "style")  # fmt: skip
MAX_SEARCH_TEXT = 20_000
MAX_TERMS = 8
_TRIGRAM = 3  # FTS5 trigram and pg_trgm index terms of 3+ characters


def search_text_of(input_data: dict[str, Any]) -> str:
    parts = [str(input_data[k]) for k in SEARCH_KEYS if isinstance(input_data.get(k), str)]
    return "\n".join(parts)[:MAX_SEARCH_TEXT]


def query_terms(q: str) -> list[str]:
    return [t for t in q.split() if t][:MAX_TERMS]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_condition(dialect: str, q: str) -> ColumnElement[bool] | None:
    """Every term must appear in search_text, as a case-insensitive substring."""
    terms = query_terms(q)
    if not terms:
        return None
    if dialect == "postgresql":
        # pg_trgm's GIN index serves ILIKE for terms of 3+ characters.
        return and_(*(Task.search_text.ilike(_like_pattern(t), escape="\\") for t in terms))
    conditions: list[ColumnElement[bool]] = []
    long_terms = [t for t in terms if len(t) >= _TRIGRAM]
    if long_terms:
        fts_query = " ".join('"' + t.replace('"', '""') + '"' for t in long_terms)
        matching: Select[Any] = (
            select(literal_column("rowid"))
            .select_from(text("tasks_fts"))
            .where(text("tasks_fts MATCH :fts_query").bindparams(fts_query=fts_query))
        )
        conditions.append(literal_column("tasks.rowid").in_(matching))
    conditions += [
        Task.search_text.ilike(_like_pattern(t), escape="\\") for t in terms if len(t) < _TRIGRAM
    ]
    return and_(*conditions)
