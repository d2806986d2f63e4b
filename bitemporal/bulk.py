"""Inserting many rows in one executemany, without SQLAlchemy's per-row parameter work.

For an executemany, SQLAlchemy builds a parameter dictionary for every row and
calls every column's bind processor through it (``construct_params``). For the
few hundred rows of a 100-object bulk write (versions, ``registration_object``,
outbox rows) that was about a tenth of the request's Python time. ``insert_rows``
compiles the ``INSERT`` once per dialect, table and columns, then turns each row
into the driver's parameters with the same bind processors, column by column,
leaving out the calls for nulls (every bind processor passes ``None`` through
unchanged; ``tests/bitemporal/test_bulk.py`` holds that for every column we have).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class InsertPlan:
    """A compiled ``INSERT`` of fixed columns for one dialect.

    ``processors`` is in the order of ``columns`` (None: the value goes to the
    driver as it is). ``names`` are the bound parameters' names in the order of
    ``columns``, for drivers with named parameters; ``None`` for positional ones.
    """

    sql: str
    columns: tuple[str, ...]
    processors: tuple[Processor | None, ...]
    names: tuple[str, ...] | None
    arrays: bool = False
    """The statement takes one array per column (``unnest``): ``parameters`` is one dict."""

    def parameters(self, rows: Sequence[Sequence[Any]]) -> Any:
        """The driver's parameters for ``rows`` (values in the order of ``columns``).

        A column's values repeat a lot (one registration time, a few days and
        units), so each distinct value of a column is processed once.
        """
        prepared: list[Any] = [list(row) for row in rows]
        for index, process in enumerate(self.processors):
            if process is None:
                continue
            seen: dict[Any, tuple[type, Any]] = {}
            for row in prepared:
                value = row[index]
                if value is None:
                    continue
                try:
                    known = seen.get(value)
                except TypeError:  # unhashable, e.g. a list of uuids
                    row[index] = process(value)
                    continue
                if known is None:
                    known = seen[value] = (type(value), process(value))
                elif known[0] is not type(value):  # equal, but may process differently (1, True)
                    known = (type(value), process(value))
                row[index] = known[1]
        if self.arrays:
            assert self.names is not None
            return {name: [row[index] for row in prepared] for index, name in enumerate(self.names)}
        if self.names is None:
            return [tuple(row) for row in prepared]
        names = self.names
        return [dict(zip(names, row, strict=True)) for row in prepared]


_PLANS: WeakKeyDictionary[Dialect, dict[tuple[Table, tuple[str, ...]], InsertPlan]] = WeakKeyDictionary()


def plan_insert(dialect: Dialect, table: Table, columns: Sequence[str]) -> InsertPlan:
    """The (cached) plan for inserting ``columns`` of ``table`` on ``dialect``."""
    key = (table, tuple(columns))
    plans = _PLANS.setdefault(dialect, {})
    plan = plans.get(key)
    if plan is None:
        plan = plans[key] = _compile(dialect, table, key[1])
    return plan


def _compile(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> InsertPlan:
    if dialect.name == "postgresql" and dialect.paramstyle == "pyformat":
        return _compile_unnest(dialect, table, columns)
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns), for_executemany=True)
    # The name each column's bound parameter got (escaped, if its name needed it).
    bound = {bind.key: name for bind, name in compiled.bind_names.items()}
    if set(bound) != set(columns):
        raise ValueError(f"the INSERT into {table.name} binds {sorted(bound)}, not {sorted(columns)}")
    processors = tuple(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns)
    if compiled.positional:
        order = [bound[name] for name in columns]
        if list(compiled.positiontup or ()) != order:
            raise ValueError(f"the INSERT into {table.name} binds its columns in another order")
        names = None
    else:
        names = tuple(bound[name] for name in columns)
    return InsertPlan(compiled.string, columns, processors, names)


def _compile_unnest(dialect: Dialect, table: Table, columns: tuple[str, ...]) -> InsertPlan:
    """PostgreSQL: one statement whatever the number of rows, each column bound as one array.

    An executemany sends a statement per row (pipelined, but executed one by
    one); ``INSERT ... SELECT * FROM unnest(...)`` is one statement, as a
    hand-written bulk write would use (or ``COPY``, which SQLAlchemy's events and
    statement counts would not see).
    """
    for name in columns:
        table.c[name]  # noqa: B018 - a KeyError names an unknown column
    quote = dialect.identifier_preparer.quote
    names = tuple(f"c{index}" for index in range(len(columns)))
    kinds = [dialect.type_compiler_instance.process(table.c[name].type) for name in columns]
    arrays = ", ".join(f"CAST(%({name})s AS {kind}[])" for name, kind in zip(names, kinds, strict=True))
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(c) for c in columns)}) "
        f"SELECT * FROM unnest({arrays})"
    )
    processors = tuple(table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns)
    return InsertPlan(sql, columns, processors, names, arrays=True)


async def insert_rows(
    conn: AsyncConnection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` (values in the order of ``columns``) with one statement (an executemany on SQLite)."""
    if not rows:
        return
    plan = plan_insert(conn.dialect, table, columns)
    await conn.exec_driver_sql(plan.sql, plan.parameters(rows))
