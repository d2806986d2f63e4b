"""Read statements run on the driver connection, past SQLAlchemy's execution layer.

The loaders send a handful of statement shapes, built once, thousands of times.
Through ``AsyncConnection.execute`` each run pays for SQLAlchemy's execution
context, result object and a greenlet round trip for every driver call: about
0.1-0.2 ms, where SQLite itself answers a small lookup in tens of microseconds.
A :class:`Prepared` statement is compiled once per dialect, with the bind and
result processors SQLAlchemy would apply (``bitemporal.keyed``, which the bulk
writes use through SQLAlchemy's ``exec_driver_sql``), and is run on the
connection's driver itself (sqlite3 inline or aiosqlite's worker, or psycopg) in
the same transaction. The rows are the values SQLAlchemy's result would give, as
tuples.

SQLAlchemy's ``before_cursor_execute`` and ``after_cursor_execute`` events still
fire (with no execution context), so statement counters and tracing see these
statements too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import PoolProxiedConnection

from bitemporal.keyed import KeyedStatement, processed_rows
from mo.db.inline_sqlite import INLINE_PARAMETERS


class Prepared:
    """A read statement to run with :func:`run`, compiled on first use per dialect
    (by ``bitemporal.keyed.KeyedStatement``, with its bind and result processors).

    ``batch`` names the statement's list parameter, if any: on SQLite, a run whose
    list holds more than ``INLINE_PARAMETERS`` values runs on aiosqlite's worker
    thread, as a statement with that many bound values would (see
    ``mo.db.inline_sqlite``): a batch over many keys may take long enough to stall
    the event loop. The statement has no expanding parameters: it is sent as
    compiled.
    """

    __slots__ = ("keyed", "batch")

    def __init__(self, statement: Select[Any], batch: str | None = None) -> None:
        self.keyed = KeyedStatement(statement)
        self.batch = batch

    @property
    def statement(self) -> Select[Any]:
        return self.keyed.statement  # type: ignore[return-value]

    def sql(self, dialect: Dialect) -> str:
        """The statement's text for ``dialect``."""
        return self.keyed.compiled(dialect).compiled.string


async def run(conn: AsyncConnection, prepared: Prepared, values: dict[str, Any]) -> list[Any]:
    """The rows of ``prepared`` with ``values``, read in ``conn``'s transaction."""
    sync = conn.sync_connection
    assert sync is not None
    events = sync if sync._has_events or sync.engine._has_events else None  # noqa: SLF001
    return await _run(sync.dialect, sync.connection.driver_connection, events, prepared, values)


async def run_on_driver(
    engine: Engine, connection: PoolProxiedConnection, prepared: Prepared, values: dict[str, Any]
) -> list[Any]:
    """``run`` on a pooled driver connection of ``engine`` (``mo.db.engine.driver_snapshot``),
    in the transaction it is in; the engine's statement events fire with no connection."""
    events = engine if engine._has_events else None  # noqa: SLF001
    return await _run(engine.dialect, connection.driver_connection, events, prepared, values)


async def _run(dialect: Dialect, driver: Any, events: Any, prepared: Prepared, values: dict[str, Any]) -> list[Any]:
    plan = prepared.keyed.compiled(dialect)
    compiled, binds = plan.compiled, plan.binds
    sql = compiled.string
    processed = {name: binds[name](value) if name in binds else value for name, value in values.items()}
    positions = compiled.positiontup
    parameters: Any = processed if positions is None else [processed[name] for name in positions]
    if events is not None:
        target = events if isinstance(events, Connection) else None
        events.dispatch.before_cursor_execute(target, None, sql, parameters, None, False)
    assert driver is not None
    if dialect.name == "sqlite":
        batch = prepared.batch
        large = batch is not None and len(values[batch]) > INLINE_PARAMETERS
        rows = await driver.rows(sql, parameters, off_loop=large)
    else:
        cursor = driver.cursor()
        try:
            await cursor.execute(sql, parameters)
            rows = await cursor.fetchall()
        finally:
            await cursor.close()
    if events is not None:
        events.dispatch.after_cursor_execute(target, None, sql, parameters, None, False)
    processors = plan.results
    if not rows or not any(processors):
        return rows
    return processed_rows(rows, processors)
