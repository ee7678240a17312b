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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Text,
    TextClause,
    and_,
    bindparam,
    func,
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


@dataclass(frozen=True)
class SearchTerms:
    """A query's terms by the index that serves them."""

    long: tuple[str, ...]  # 3+ characters: the trigram index
    grams: tuple[str, ...]  # 2 CJK characters: the bigram index
    short: tuple[str, ...]  # anything else: a LIKE on the user's newest tasks

    @property
    def shape(self) -> tuple[int, int, int]:
        """What the SQL depends on (the terms themselves are parameters)."""
        return len(self.long), len(self.grams), len(self.short)


def search_terms(q: str) -> SearchTerms | None:
    terms = query_terms(q)
    if not terms:
        return None
    grams = tuple(t for t in terms if _is_gram(t))
    return SearchTerms(
        long=tuple(t for t in terms if len(t) >= _TRIGRAM),
        grams=grams,
        short=tuple(t for t in terms if len(t) < _TRIGRAM and t not in grams),
    )


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _is_gram(term: str) -> bool:
    return len(term) == 2 and _CJK_RUN.fullmatch(term) is not None


def fts_match(table: str, *, per_row: bool = False) -> ColumnElement[bool]:
    """tasks.rowid among the rows of an FTS5 table (kept in step by triggers) matching.

    per_row: SQLite must not drive the query from the match (its unary plus keeps the
    term off any index), but check rows found some other way against it.
    """
    matching: Select[Any] = (
        select(literal_column("rowid")).select_from(text(table)).where(fts_matches(table))
    )
    return literal_column("+tasks.rowid" if per_row else "tasks.rowid").in_(matching)


def fts_matches(table: str) -> TextClause:
    """`<table> MATCH :<table>_query`, the query from search_values."""
    query = bindparam(f"{table}_query", type_=String)
    return text(f"{table} MATCH :{table}_query").bindparams(query)


def _fts_query(terms: tuple[str, ...]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def search_clause(
    dialect: str, shape: tuple[int, int, int], *, per_row: bool = False
) -> ColumnElement[bool]:
    """Every term must appear in the task's text, as a case-insensitive substring.

    The terms are bind parameters (search_values gives them when the statement runs), so
    one statement serves every query of the same shape.
    """
    n_long, n_grams, n_short = shape
    conditions: list[ColumnElement[bool]] = []
    if dialect == "postgresql":
        if n_grams:
            # Served by the GIN index on string_to_array(search_grams, ' ').
            # The very expression of the GIN index (a literal separator, not a parameter,
            # or the planner would not match it).
            grams_array = func.string_to_array(Task.search_grams, literal_column("' '"))
            wanted = bindparam("q_grams", type_=postgresql.ARRAY(Text))
            conditions.append(grams_array.op("@>", is_comparison=True)(wanted))
            # The same test, cheap per row: where the planner walks the user's newest
            # tasks instead, splitting every row's grams into an array cost 5-7 ms a
            # page. A plain column, no index: it can only filter.
            conditions += [
                Task.search_grams.like(bindparam(f"q_gram_{i}", type_=String), escape="\\")
                for i in range(n_grams)
            ]
        # pg_trgm's GIN index serves LIKE for terms of 3+ characters.
        conditions += [like_term(f"q_long_{i}") for i in range(n_long)]
    else:
        if n_long:
            conditions.append(fts_match("tasks_fts", per_row=per_row))
        if n_grams:
            conditions.append(fts_match("tasks_grams_fts", per_row=per_row))
    # One character, or two that are not CJK: no index fits; the newest-first scan of
    # the user's tasks stops at the page size.
    conditions += [like_term(f"q_short_{i}") for i in range(n_short)]
    return and_(*conditions)


def like_term(name: str) -> ColumnElement[bool]:
    return Task.search_text.like(bindparam(name, type_=String), escape="\\")


def search_values(dialect: str, terms: SearchTerms) -> dict[str, Any]:
    """The parameters of search_clause(dialect, terms.shape)."""
    values: dict[str, Any] = {f"q_short_{i}": _like_pattern(t) for i, t in enumerate(terms.short)}
    if dialect == "postgresql":
        if terms.grams:
            values["q_grams"] = list(terms.grams)
            values.update({f"q_gram_{i}": _like_pattern(t) for i, t in enumerate(terms.grams)})
        values.update({f"q_long_{i}": _like_pattern(t) for i, t in enumerate(terms.long)})
    else:
        if terms.long:
            values["tasks_fts_query"] = _fts_query(terms.long)
        if terms.grams:
            values["tasks_grams_fts_query"] = _fts_query(terms.grams)
    return values
