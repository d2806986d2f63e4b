"""Statements over lists of keys, compiled once and run past SQLAlchemy's statement layer.

A bulk write sends a few statements whose shape never changes, only the keys in
their ``IN`` lists: the current versions of 100 objects, the validity of what they
refer to, closing their replaced rows. Built with ``select(...).where(c.in_(keys))``
on every call, each costs SQLAlchemy's coercion of every key, a cache key and a
cache lookup of the compiled form, and its result a ``Row`` per row with a type
processor call per value: for the ~300 rows of a 100-object write, about as much
time as SQLite takes to run the statements.

A :class:`KeyedStatement` is built once with expanding bound parameters,
compiled once per dialect, and run with ``exec_driver_sql`` (so SQLAlchemy's
cursor events still see it) on the values SQLAlchemy's bind processors give.
Its rows come back as tuples with the values SQLAlchemy's result would hold, each
distinct value of a column processed once: a column's values repeat a lot (an
object's uuid over its versions, a few days and units).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, CompoundSelect, Delete, Insert, Select, Update
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
Statement = Select[Any] | CompoundSelect[Any] | Update | Delete | Insert


class KeyedStatement:
    """One statement whose list parameters are ``bindparam(name, expanding=True)``."""

    __slots__ = ("statement", "_compiled")

    def __init__(self, statement: Statement) -> None:
        self.statement = statement
        self._compiled: WeakKeyDictionary[Dialect, _Compiled] = WeakKeyDictionary()

    def compiled(self, dialect: Dialect) -> _Compiled:
        """The statement compiled for ``dialect``, with its bind and result processors."""
        found = self._compiled.get(dialect)
        if found is None:
            found = self._compiled[dialect] = _Compiled(self.statement, dialect)
        return found

    async def execute(self, conn: AsyncConnection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run with ``values`` (a list for each expanding parameter); the rows, if any."""
        plan = self.compiled(conn.dialect)
        result = await self._run(conn, plan, values)
        if not result.returns_rows:
            return []
        rows = result.all()
        processors = plan.results
        if not rows or not any(processors):
            return [tuple(row) for row in rows]
        return _by_column(rows, processors)  # a column's distinct values are few

    async def count(self, conn: AsyncConnection, values: Mapping[str, Any]) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        return int((await self._run(conn, self.compiled(conn.dialect), values)).rowcount)

    async def _run(self, conn: AsyncConnection, plan: _Compiled, values: Mapping[str, Any]) -> CursorResult[Any]:
        compiled = plan.compiled
        state = compiled.construct_expanded_state(dict(values))
        # The expanded parameters' processors, and those of the others.
        binds = {**plan.binds, **state.processors} if state.processors else plan.binds
        parameters = state.parameters
        processed = {name: binds[name](value) if name in binds else value for name, value in parameters.items()}
        if state.positiontup is not None:
            driver: Any = tuple(processed[name] for name in state.positiontup)
        else:
            driver = processed
        return await conn.exec_driver_sql(state.statement, driver)


class _Compiled:
    __slots__ = ("compiled", "binds", "results")

    def __init__(self, statement: Statement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.compiled = compiled
        # What SQLAlchemy's own execution applies to each bound value (by parameter name).
        self.binds: dict[str, Processor] = {
            name: process
            for name, process in compiled._bind_processors.items()  # noqa: SLF001
            if callable(process)
        }
        columns: Sequence[ColumnElement[Any]] = []
        if isinstance(statement, (Select, CompoundSelect)):
            columns = list(statement.selected_columns)
        self.results: list[Processor | None] = [
            column.type._cached_result_processor(dialect, None)  # noqa: SLF001
            for column in columns
        ]


#: Results that may be shared between rows: nobody can change them (uuid lists are tuples of uuids).
IMMUTABLE = frozenset({UUID, date, datetime, str, int, float, bool, bytes, Decimal, tuple})


def processed_rows(rows: Sequence[Sequence[Any]], processors: Sequence[Processor | None]) -> list[Any]:
    """``rows`` (tuples) with each column's values run through its processor (None: as
    they are): column by column, each distinct value of a column once (an object's
    uuid and days repeat), except for a few rows, which are processed row by row.
    With no processor at all, ``rows`` themselves (as a list)."""
    if not any(processors):
        return rows if isinstance(rows, list) else list(rows)
    if len(rows) <= FEW_ROWS:
        active = [(index, process) for index, process in enumerate(processors) if process is not None]
        processed = []
        for row in rows:
            values = list(row)
            for index, process in active:
                value = values[index]
                if value is not None:
                    values[index] = process(value)
            processed.append(tuple(values))
        return processed
    return _by_column(rows, processors)


def _by_column(rows: Sequence[Sequence[Any]], processors: Sequence[Processor | None]) -> list[Any]:
    """``rows`` processed column by column (``processed_column``)."""
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    for index, processor in enumerate(processors):
        if processor is not None:
            columns[index] = processed_column(columns[index], processor)
    return list(zip(*columns, strict=True))


FEW_ROWS = 8
"""Up to this many rows, sharing processed values between rows saves less than it costs."""


def processed_column(values: Sequence[Any], process: Processor) -> Sequence[Any]:
    """``values`` processed, each distinct one once (by value: the driver makes a new
    object for every value it reads) when they are all of one type and the results
    cannot change; else value by value."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return values  # all None
    if len(kinds) == 1:
        try:
            distinct = set(values)
        except TypeError:  # unhashable (a PostgreSQL array)
            distinct = set()
        distinct.discard(None)
        table = {value: process(value) for value in distinct}
        if table and all(type(result) in IMMUTABLE for result in table.values()):
            table[None] = None
            return list(map(table.__getitem__, values))
    return [None if value is None else process(value) for value in values]
