"""What of a task is searchable, and how a query becomes SQL on each database.

Two columns serve search, both written when a task is created:
- search_text: the prompt-like text, lower-cased, so matching is a plain (indexable,
  case-insensitive) LIKE. Terms of 3+ characters use the trigram index (FTS5 trigram
  on SQLite, pg_trgm on PostgreSQL).
- search_grams: every distinct 2-character run of CJK text, space-separated. Most
  Chinese words are 2 characters, which a trigram index cannot serve; these become an
  exact token lookup (FTS5 unicode61 on SQLite, a GIN array index on PostgreSQL).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects import postgresql

from creative_hub.models.task import Task

# input_data keys whose text a user would search for.
SEARCH_KEYS = ("prompt", "negative_prompt", "text", "idea", "content", "title", "description",
               "mood", "style")  # fmt: skip
MAX_SEARCH_TEXT = 20_000
MAX_TERMS = 8
_TRIGRAM = 3  # FTS5 trigram and pg_trgm index terms of 3+ characters
# Han, kana, hangul: scripts written without spaces between words.
_CJK_RUN = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]{2,}"
)


def search_text_of(input_data: dict[str, Any]) -> str:
    parts = [str(input_data[k]) for k in SEARCH_KEYS if isinstance(input_data.get(k), str)]
    return "\n".join(parts)[:MAX_SEARCH_TEXT].lower()


def search_grams_of(search_text: str) -> str:
    """The distinct CJK bigrams of a text, space-separated, in order of first use."""
    grams: dict[str, None] = {}
    for run in _CJK_RUN.findall(search_text):
        for i in range(len(run) - 1):
            grams.setdefault(run[i : i + 2], None)
    return " ".join(grams)


def search_columns(input_data: dict[str, Any]) -> dict[str, str]:
    """The values of both search columns for a new task."""
    search_text = search_text_of(input_data)
    return {"search_text": search_text, "search_grams": search_grams_of(search_text)}


def query_terms(q: str) -> list[str]:
    return [t for t in q.lower().split() if t][:MAX_TERMS]


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _is_gram(term: str) -> bool:
    return len(term) == 2 and _CJK_RUN.fullmatch(term) is not None


def _fts_match(table: str, terms: list[str]) -> ColumnElement[bool]:
    """tasks.rowid among the rows of an FTS5 table (kept in step by triggers) matching."""
    query = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    matching: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(text(table))
        .where(text(f"{table} MATCH :{table}_query").bindparams(**{f"{table}_query": query}))
    )
    return literal_column("tasks.rowid").in_(matching)


def search_condition(dialect: str, q: str) -> ColumnElement[bool] | None:
    """Every term must appear in the task's text, as a case-insensitive substring."""
    terms = query_terms(q)
    if not terms:
        return None
    grams = [t for t in terms if _is_gram(t)]
    long_terms = [t for t in terms if len(t) >= _TRIGRAM]
    short_terms = [t for t in terms if len(t) < _TRIGRAM and t not in grams]
    conditions: list[ColumnElement[bool]] = []
    if dialect == "postgresql":
        if grams:
            # Served by the GIN index on string_to_array(search_grams, ' ').
            # The very expression of the GIN index (a literal separator, not a parameter,
            # or the planner would not match it).
            grams_array = func.string_to_array(Task.search_grams, literal_column("' '"))
            wanted = literal(grams, type_=postgresql.ARRAY(Text))
            conditions.append(grams_array.op("@>", is_comparison=True)(wanted))
        # pg_trgm's GIN index serves LIKE for terms of 3+ characters.
        conditions += [Task.search_text.like(_like_pattern(t), escape="\\") for t in long_terms]
    else:
        if long_terms:
            conditions.append(_fts_match("tasks_fts", long_terms))
        if grams:
            conditions.append(_fts_match("tasks_grams_fts", grams))
    # One character, or two that are not CJK: no index fits; the newest-first scan of
    # the user's tasks stops at the page size.
    conditions += [Task.search_text.like(_like_pattern(t), escape="\\") for t in short_terms]
    return and_(*conditions)
