"""A SELECT compiled once per dialect and run with one call on the driver connection.

Through the ORM session a SELECT on aiosqlite is four trips to the connection's thread
(open a cursor, execute, fetch, close) plus SQLAlchemy's per-execution work (cache key,
result metadata). For the history page, the API's hottest query, that was over a third
of the request. Here the statement is compiled once, its parameters converted by the
column types' own bind processors, and rows come back as the driver gives them:
aiosqlite's execute_fetchall (one trip) or asyncpg's fetch (its statement cache).
Rows are plain tuples of driver values; `convert` turns one into Python values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

Processor = Callable[[Any], Any] | None


class PreparedSelect:
    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if not compiled.positiontup and compiled.binds:
            raise ValueError(f"{dialect.name}: expected a positional parameter style")
        self.sql = compiled.string
        self.dialect_name = dialect.name
        # (name, value compiled into the statement, processor), in the order the SQL
        # numbers them; a value given at run time replaces the compiled one.
        self._params: list[tuple[str, Any, Processor]] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            self._params.append((name, bind.effective_value, processor))
        self._results: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ]

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        out = []
        for name, default, processor in self._params:
            value = values.get(name, default)
            out.append(processor(value) if processor is not None and value is not None else value)
        return out

    async def fetch(self, session: AsyncSession, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Rows as the driver returns them, on the session's connection and transaction."""
        connection = await session.connection()
        driver = (await connection.get_raw_connection()).driver_connection
        args = self.args(values)
        if self.dialect_name == "sqlite":
            return list(await driver.execute_fetchall(self.sql, args))  # type: ignore[union-attr]
        return list(await driver.fetch(self.sql, *args))  # type: ignore[union-attr]

    def converter(self, index: int) -> Callable[[Any], Any]:
        """Converts one column's driver value, for rows where only some columns vary."""
        processor = self._results[index]
        if processor is None:
            return lambda value: value
        return lambda value: None if value is None else processor(value)

    def convert(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """One driver row as Python values (what session.execute would have returned)."""
        return tuple(
            value if processor is None or value is None else processor(value)
            for value, processor in zip(row, self._results, strict=True)
        )
