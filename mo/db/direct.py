"""Read statements run on the driver connection, past SQLAlchemy's execution layer.

The loaders send a handful of statement shapes, built once, thousands of times.
Through ``AsyncConnection.execute`` each run pays for SQLAlchemy's execution
context, result object and a greenlet round trip for every driver call: about
0.1-0.2 ms, where SQLite itself answers a small lookup in tens of microseconds.
A :class:`Prepared` statement is compiled once per dialect, with the bind and
result processors SQLAlchemy would apply, and is run on the connection's driver
(aiosqlite's cursor, or psycopg's) in the same transaction. The rows are the
same values SQLAlchemy's result would give, as plain tuples.

SQLAlchemy's ``before_cursor_execute`` and ``after_cursor_execute`` events still
fire (with no execution context), so statement counters and tracing see these
statements too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from mo.db.inline_sqlite import INLINE_PARAMETERS, INLINE_ROWS, SnapshotConnection

Processor = Callable[[Any], Any] | None


class _Compiled:
    """A statement's text for one dialect, and how to bind and read its values."""

    __slots__ = ("sql", "positional", "names", "binds", "results")

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = compiled.positional
        self.names: Sequence[str] = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        processors = compiled._bind_processors  # noqa: SLF001 - the processors SQLAlchemy's own execution applies
        self.binds: dict[str, Callable[[Any], Any]] = {
            name: processor for name, processor in processors.items() if processor is not None
        }
        results = [column.type._cached_result_processor(dialect, None) for column in statement.selected_columns]  # noqa: SLF001
        self.results: list[tuple[int, Callable[[Any], Any]]] = [
            (index, processor) for index, processor in enumerate(results) if processor is not None
        ]

    def parameters(self, values: dict[str, Any]) -> Any:
        binds = self.binds
        processed = {
            name: (binds[name](values[name]) if name in binds else values[name]) for name in self.names
        }
        return [processed[name] for name in self.names] if self.positional else processed

    def rows(self, rows: list[Any]) -> list[Any]:
        results = self.results
        if not results:
            return rows
        processed = []
        for row in rows:
            row = list(row)
            for index, process in results:
                row[index] = process(row[index])
            processed.append(row)
        return processed


class Prepared:
    """A read statement to run with :func:`run` (compiled on first use per dialect).

    ``batch`` names the statement's list parameter, if any: on SQLite, a run whose
    list holds more than ``INLINE_PARAMETERS`` values runs on aiosqlite's worker
    thread, as a statement with that many bound values would (see
    ``mo.db.inline_sqlite``): a batch over many keys may take long enough to stall
    the event loop.
    """

    __slots__ = ("statement", "batch", "_compiled")

    def __init__(self, statement: Select[Any], batch: str | None = None) -> None:
        self.statement = statement
        self.batch = batch
        self._compiled: dict[tuple[type, str], _Compiled] = {}

    def compiled(self, dialect: Dialect) -> _Compiled:
        key = (type(dialect), dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _Compiled(self.statement, dialect)
        return found


async def run(conn: AsyncConnection, prepared: Prepared, values: dict[str, Any]) -> list[Any]:
    """The rows of ``prepared`` with ``values``, read in ``conn``'s transaction."""
    sync = conn.sync_connection
    assert sync is not None
    compiled = prepared.compiled(sync.dialect)
    parameters = compiled.parameters(values)
    events = sync._has_events or sync.engine._has_events  # noqa: SLF001
    if events:
        sync.dispatch.before_cursor_execute(sync, None, compiled.sql, parameters, None, False)
    driver = sync.connection.driver_connection
    assert driver is not None
    if sync.dialect.name == "sqlite":
        batch = prepared.batch
        large = batch is not None and len(values[batch]) > INLINE_PARAMETERS
        rows = await _sqlite_rows(driver, compiled.sql, parameters, large)
    else:
        cursor = driver.cursor()
        try:
            await cursor.execute(compiled.sql, parameters)
            rows = await cursor.fetchall()
        finally:
            await cursor.close()
    if events:
        sync.dispatch.after_cursor_execute(sync, None, compiled.sql, parameters, None, False)
    return compiled.rows(rows)


async def _sqlite_rows(driver: SnapshotConnection, sql: str, parameters: Any, large: bool) -> list[Any]:
    """The rows of ``sql``: inline when the connection runs on the loop's thread
    (up to ``INLINE_ROWS`` rows, the rest on the worker thread), else, or when
    ``large``, in one call on the worker thread."""
    connection = driver._conn  # noqa: SLF001 - the sqlite3 connection aiosqlite wraps
    if large or not driver.on_loop:
        rows: list[Any] = await driver.on_worker(_all_rows, connection, sql, parameters)
        return rows
    cursor = connection.execute(sql, parameters)
    rows = cursor.fetchmany(INLINE_ROWS)
    if len(rows) == INLINE_ROWS:
        rows.extend(await driver.on_worker(cursor.fetchall))
    return rows


def _all_rows(connection: sqlite3.Connection, sql: str, parameters: Any) -> list[Any]:
    return connection.execute(sql, parameters).fetchall()
