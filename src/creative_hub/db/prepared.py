"""Statements compiled once per dialect and run with one call on the driver connection.

Through the ORM session a SELECT on aiosqlite is four trips to the connection's thread
(open a cursor, execute, fetch, close) plus SQLAlchemy's per-execution work (cache key,
result metadata). For the history page, the API's hottest query, that was over a third
of the request. Here the statement is compiled once, its parameters converted by the
column types' own bind processors, and rows come back as the driver gives them:
aiosqlite's execute_fetchall (one trip) or asyncpg's fetch (its statement cache).
Rows are plain tuples of driver values; `convert` turns one into Python values.

PreparedWrite does the same for an INSERT or UPDATE on SQLite, where SQLAlchemy's
cursor takes three trips (open, execute, close); on PostgreSQL it goes through the
session, whose asyncpg adapter opens the transaction the session commits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Insert, Select, Update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from creative_hub.db.sqlite_gate import GatedSession

Processor = Callable[[Any], Any] | None


class _Compiled:
    def __init__(
        self,
        statement: Select[*tuple[Any, ...]] | Insert | Update,
        dialect: Dialect,
        column_keys: Sequence[str] | None = None,
    ) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
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

    def args(self, values: Mapping[str, Any]) -> list[Any]:
        out = []
        for name, default, processor in self._params:
            value = values.get(name, default)
            out.append(processor(value) if processor is not None and value is not None else value)
        return out


class PreparedSelect(_Compiled):
    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        super().__init__(statement, dialect)
        self._results: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        ]

    async def fetch(self, session: AsyncSession, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Rows as the driver returns them, on the session's connection and transaction."""
        driver = await _driver_connection(session)
        args = self.args(values)
        if self.dialect_name == "sqlite":
            return list(await driver.execute_fetchall(self.sql, args))
        return list(await driver.fetch(self.sql, *args))

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


class PreparedWrite(_Compiled):
    """An INSERT or UPDATE of `column_keys` (an UPDATE's WHERE takes bindparams).

    Run on the driver, the statement gets none of SQLAlchemy's Python-side column
    defaults: a column with one (`default=` for an INSERT, `onupdate=` for an UPDATE)
    must be among the keys, or this refuses the statement. Nor does it fire ORM events
    (do_orm_execute, flush hooks): not for a table whose changes something listens for
    (users and web_sessions: auth/user_cache.py)."""

    def __init__(self, statement: Insert | Update, dialect: Dialect, column_keys: Sequence[str]):
        table = statement.table
        missing = [
            column.key
            for column in table.columns
            if column.key not in column_keys
            and (column.default if isinstance(statement, Insert) else column.onupdate) is not None
        ]
        if missing:
            raise ValueError(f"{table}: give {missing}; their Python-side defaults would not run")
        super().__init__(statement, dialect, column_keys)
        self.statement = statement

    async def execute(self, session: AsyncSession, values: Mapping[str, Any]) -> int:
        """Runs once in the session's transaction; the number of rows it matched."""
        if self.dialect_name != "sqlite":
            result = await session.execute(self.statement, dict(values))
            return int(getattr(result, "rowcount", 0) or 0)
        cursor = await (await self._driver(session)).execute(self.sql, self.args(values))
        return int(cursor.rowcount)

    async def execute_many(self, session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
        if self.dialect_name != "sqlite":
            await session.execute(self.statement, [dict(row) for row in rows])
            return
        driver = await self._driver(session)
        await driver.executemany(self.sql, [self.args(row) for row in rows])

    async def _driver(self, session: AsyncSession) -> Any:
        # sqlite3 opens the transaction itself before the first write, as it does under
        # SQLAlchemy; the write gate is taken first, as GatedSession.execute would, and
        # objects added to the session are written first, as autoflush would (a row may
        # refer to one of them).
        if session.new or session.dirty or session.deleted:
            await session.flush()
        if isinstance(session, GatedSession):
            await session.hold_write_gate()
        return await _driver_connection(session)


async def _driver_connection(session: AsyncSession) -> Any:
    """The driver's own connection (aiosqlite's or asyncpg's) under the session's."""
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection
