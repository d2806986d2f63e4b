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

import re
from itertools import count, islice
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
    return processed_rows(rows, plan.results)


# --- one round trip on PostgreSQL ---

SERVER_STATEMENTS = 200
"""Statements a PostgreSQL connection keeps prepared for ``batch_on_driver``; past
this many, the least recently used is deallocated (in the same round trip)."""

_PLACEHOLDER = re.compile(rb"%%|%\((\w+)\)s")


class _Server:
    """A statement prepared on the server under ``name`` (``PREPARE``), and the order
    of its parameters (``$1``, ``$2``, ...)."""

    __slots__ = ("name", "prepare", "order")

    def __init__(self, name: bytes, prepare: bytes, order: tuple[str, ...]) -> None:
        self.name = name
        self.prepare = prepare
        self.order = order


#: a statement's text (psycopg's ``%(name)s`` placeholders) -> its server-side form
_SERVER: dict[str, _Server] = {}
_NAMES = count(1)


def _server(sql: str) -> _Server:
    found = _SERVER.get(sql)
    if found is None:
        order: list[str] = []

        def place(match: re.Match[bytes]) -> bytes:
            if match.group(1) is None:
                return b"%"
            name = match.group(1).decode()
            if name not in order:
                order.append(name)
            return b"$%d" % (order.index(name) + 1)

        text = _PLACEHOLDER.sub(place, sql.encode())
        name = b"mo_%d" % next(_NAMES)
        if len(_SERVER) >= 4096:  # documents come and go: names on connections age out (``SERVER_STATEMENTS``)
            _SERVER.clear()
        found = _SERVER[sql] = _Server(name, b"PREPARE " + name + b" AS " + text, tuple(order))
    return found


async def batch_on_driver(
    engine: Engine, connection: PoolProxiedConnection, statements: list[tuple[Prepared, dict[str, Any]]]
) -> list[list[Any]]:
    """The rows of each statement, all read in one REPEATABLE READ, READ ONLY
    transaction that PostgreSQL gets in one message, and so in one round trip.

    ``connection`` is a pooled psycopg connection in autocommit mode, outside any
    transaction (``mo.db.engine.driver_autocommit``): the message brings its own
    ``BEGIN`` and ``COMMIT``. Each statement is prepared on the connection the
    first time it is sent there (a ``PREPARE`` in the same message)
    and then run as ``EXECUTE name(values)``, its values written as literals by
    psycopg's own adapters; the server plans it as it does psycopg's prepared
    statements. The engine's statement events fire for each statement.

    Against one statement at a time in a transaction (``run_on_driver`` in
    ``driver_snapshot``), a person page's two statements are one round trip where
    they were four (``BEGIN``, two statements, ``COMMIT``); on this project's
    machine that is 0.5 ms of a 1 ms budget (bench/RESULTS.md).

    psycopg deallocates every prepared statement of a connection (``DEALLOCATE
    ALL``) when a transaction on it rolls back, ours with its own; a message that
    finds one of its statements gone is rolled back and sent once more, with what
    the server still holds (``pg_prepared_statements``) prepared anew. On any other
    error what the connection holds is not known: the caller must discard it
    (``driver_autocommit`` does).
    """
    from psycopg.errors import InvalidSqlStatementName  # not loaded for SQLite

    dialect = engine.dialect
    events = engine if engine._has_events else None  # noqa: SLF001
    driver: Any = connection.driver_connection
    known: dict[bytes, None] | None = getattr(driver, "_mo_statements", None)
    if known is None:
        known = driver._mo_statements = {}
    compiled = [(prepared.keyed.compiled(dialect), values) for prepared, values in statements]
    message, skip, sent = _message(driver, compiled, known)
    if events is not None:
        for sql, processed, _ in sent:
            events.dispatch.before_cursor_execute(None, None, sql, processed, None, False)
    cursor = driver.cursor()
    try:
        try:
            await cursor.execute(message, prepare=False)
        except InvalidSqlStatementName:
            await driver.rollback()
            await cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'mo\\_%'")
            known.clear()  # what the server holds now: the failed message's own PREPAREs may be among it
            known.update((name.encode(), None) for (name,) in await cursor.fetchall())
            message, skip, sent = _message(driver, compiled, known)
            await cursor.execute(message, prepare=False)
        for _ in range(skip):
            cursor.nextset()
        answers: list[list[Any]] = []
        for number, (_, _, processors) in enumerate(sent):
            if number:
                cursor.nextset()
            rows = await cursor.fetchall()
            answers.append(processed_rows(rows, processors))
    finally:
        await cursor.close()
    if events is not None:
        for sql, processed, _ in sent:
            events.dispatch.after_cursor_execute(None, None, sql, processed, None, False)
    return answers


def _message(
    driver: Any, compiled: list[tuple[Any, dict[str, Any]]], known: dict[bytes, None]
) -> tuple[bytes, int, list[tuple[str, dict[str, Any], list[Any]]]]:
    """``batch_on_driver``'s message for ``compiled`` (each statement's compiled plan
    and values), with the ``PREPARE``s and ``DEALLOCATE``s that ``known`` (the
    connection's prepared statements, least recently used first) calls for, which
    it records; how many results precede the first statement's; and per statement
    its text, values and result processors."""
    from psycopg.adapt import Transformer  # not loaded for SQLite

    literal = Transformer(driver).as_literal
    parts: list[bytes] = []
    runs: list[bytes] = []
    sent: list[tuple[str, dict[str, Any], list[Any]]] = []
    used: set[bytes] = set()
    for plan, values in compiled:
        sql, binds = plan.compiled.string, plan.binds
        server = _server(sql)
        name = server.name
        if name in known:
            del known[name]  # most recently used last
        else:
            parts.append(server.prepare)
        known[name] = None
        used.add(name)
        processed = {key: binds[key](values[key]) if key in binds else values[key] for key in server.order}
        runs.append(b"EXECUTE " + name + b"(" + b", ".join([literal(processed[key]) for key in server.order]) + b")")
        sent.append((sql, processed, plan.results))
    for oldest in list(islice(known, max(0, len(known) - SERVER_STATEMENTS))):
        if oldest in used:
            break  # this message's statements are the most recent: the rest are too
        del known[oldest]
        parts.append(b"DEALLOCATE " + oldest)
    skip = 1 + len(parts)  # BEGIN, then the PREPAREs and DEALLOCATEs (an isolation level must come first)
    message = b"; ".join([b"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", *parts, *runs, b"COMMIT"])
    return message, skip, sent
