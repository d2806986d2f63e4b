"""Engines and transactions for SQLite and PostgreSQL."""

from __future__ import annotations

import select
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DisconnectionError, MissingGreenlet
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, Pool, PoolProxiedConnection
from sqlalchemy.util import await_, greenlet_spawn

from mo.config import sqlite_path
from mo.db import inline_sqlite, uuid_arrays
from mo.db.inline_sqlite import SnapshotConnection

WRITE = "mo_write"
SNAPSHOT = "mo_snapshot"


def make_engine(url: str, echo: bool = False, one_message: bool = True) -> AsyncEngine:
    """An engine for ``url``; SQLite gets WAL and explicit transaction control.

    On SQLite a writing transaction starts with ``BEGIN IMMEDIATE``: it takes the
    database's write lock up front, which serialises writers the way PostgreSQL's
    per-object advisory locks do, and avoids deadlocking upgrades from read locks.

    ``one_message``: on PostgreSQL, whether a small lookup may send its statements
    in one message (``mo.db.direct.batch_on_driver``; see :func:`one_message`).
    """
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        database = str(path)

        async def connect() -> SnapshotConnection:
            connection = inline_sqlite.connect(database, timeout=30, isolation_level=None)
            await connection
            return connection

        engine = create_async_engine(url, echo=echo, async_creator=connect, execution_options={LOOKUP: True})
        _sqlite_transactions(engine)
        event.listen(engine.sync_engine, "engine_disposed", _on_dispose)
        return engine
    uuid_arrays.register()  # before the first connection: each copies psycopg's adapters when made
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=10,
        max_overflow=20,
        connect_args={"prepare_threshold": PREPARE_THRESHOLD},
        execution_options={ONE_MESSAGE: one_message, LOOKUP: True},
    )
    _postgresql_liveness(engine)
    event.listen(engine.sync_engine, "engine_disposed", _on_dispose)
    return engine


ONE_MESSAGE = "mo_one_message"


def one_message(engine: AsyncEngine) -> bool:
    """Whether a small lookup may send its statements to PostgreSQL in one message
    (``MO_PG_ONE_MESSAGE``, on unless turned off). Such a message runs statements
    prepared with SQL's ``PREPARE`` on the connection; a pooler in transaction mode
    (PgBouncer) hands each transaction another server connection and keeps only
    the protocol's prepared statements, so behind one this must be off: each
    message would fail and the executor answer."""
    return bool(engine.sync_engine.get_execution_options().get(ONE_MESSAGE, True))


PREPARE_THRESHOLD = 0
"""psycopg prepares a statement on a connection after this many runs of it. The
loaders send a few statement shapes over and over, so every one is prepared at
once: the server then skips parsing and planning on every later run (the
recursive statement of inherited managers plans in ~0.5 ms). psycopg keeps the
100 most recently used per connection."""


def _postgresql_liveness(engine: AsyncEngine) -> None:
    """Replace a pooled connection the server has closed, without a round trip.

    ``pool_pre_ping`` costs a round trip on every checkout. An idle connection
    has nothing to read unless the server said something: a shutdown or a
    terminated backend leaves an error and end-of-file on the socket. So a
    checkout looks at the socket (a zero-timeout ``select``), and a connection
    with anything to read, or which psycopg already knows is broken, is replaced.
    A connection that died silently (a cut network) still fails its first
    statement, as it would between a ping and that statement.
    """

    @event.listens_for(engine.sync_engine, "checkout")
    def on_checkout(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry, proxy: Any) -> None:
        reason = _gone(dbapi_connection.driver_connection)
        if reason is not None:
            raise DisconnectionError(reason)


def _gone(driver: Any) -> str | None:
    """Why an idle psycopg connection cannot be used (None: it looks alive): psycopg
    knows it closed, or the server sent something to it while idle (a zero-timeout
    ``select`` on its socket)."""
    if driver.closed or driver.broken:
        return "the connection is closed"
    readable, _, _ = select.select([driver.pgconn.socket], [], [], 0)
    if readable:
        return "the server sent something to an idle connection (closed it?)"
    return None


def _sqlite_transactions(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE):
            # One hop to the worker thread for the lock wait; the statements then run inline.
            await_(conn.connection.driver_connection.begin_write())
        elif options.get(SNAPSHOT):
            driver = conn.connection.driver_connection
            if driver.worker_behind:
                await_(driver.settle())
            driver.begin_snapshot()
        else:
            conn.exec_driver_sql("BEGIN")


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a writing transaction; commits on success, rolls back on error."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(**{WRITE: True})
        async with conn.begin():
            yield conn


@asynccontextmanager
async def read_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a read-only snapshot (REPEATABLE READ on PostgreSQL).

    On SQLite its statements run on the event loop's thread: see
    :mod:`mo.db.inline_sqlite` for why that is safe and what it costs.
    """
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        else:
            conn = await conn.execution_options(**{SNAPSHOT: True})
        async with conn.begin():
            yield conn


@asynccontextmanager
async def driver_snapshot(engine: AsyncEngine) -> AsyncIterator[PoolProxiedConnection]:
    """``read_transaction``'s snapshot on a pooled driver connection itself, for a
    request whose statements all run through ``mo.db.direct.run_on_driver``.

    SQLAlchemy's connection, its execution options and transaction objects cost
    ~0.1 ms a request (five hops into a greenlet among them), several times
    SQLite's own time for a small lookup. Only the pool's checkout and checkin
    stay; the snapshot is begun and ended as ``read_transaction``'s is:
    ``SnapshotConnection.begin_snapshot`` on SQLite (without its ``query_only``
    guard: only prepared SELECTs run here), a REPEATABLE READ, READ ONLY
    transaction on PostgreSQL (psycopg begins it with the first statement), whose
    settings are put back before the connection returns to the pool.
    """
    sqlite = engine.dialect.name == "sqlite"
    kept = await _take_kept(engine.sync_engine) if sqlite else None
    if kept is not None:
        connection = kept.connection
    else:
        connection = _idle_connection(engine) or await engine.raw_connection()
    clean = False  # the transaction ended, and the connection is as it was found
    try:
        driver = connection.driver_connection
        assert driver is not None
        if sqlite:
            if driver.worker_behind:
                await driver.settle()
            driver.begin_snapshot(guarded=False)  # its statements are prepared SELECTs only
            try:
                yield connection
            except BaseException:
                await driver.rollback()
                clean = True
                raise
            await driver.commit()
            clean = True
        else:
            from psycopg import IsolationLevel  # not loaded for SQLite

            isolation, read_only = driver.isolation_level, driver.read_only
            await driver.set_isolation_level(IsolationLevel.REPEATABLE_READ)
            await driver.set_read_only(True)
            try:
                try:
                    yield connection
                except BaseException:
                    await driver.rollback()
                    raise
                await driver.commit()
            finally:
                try:  # psycopg refuses these inside a transaction: done, the connection is idle
                    await driver.set_read_only(read_only)
                    await driver.set_isolation_level(isolation)
                except Exception:
                    connection.invalidate()  # never back in the pool with this transaction's settings
                    raise
                clean = True
    finally:
        if kept is None:
            await _give_back(connection, clean)
        else:
            await _release(engine.sync_engine, kept, clean)


@asynccontextmanager
async def driver_autocommit(engine: AsyncEngine) -> AsyncIterator[PoolProxiedConnection]:
    """A PostgreSQL driver connection in autocommit mode, for statements that bring
    their own transaction (``mo.db.direct.batch_on_driver``).

    On an engine made by ``make_engine`` this is the engine's lookup connection
    when it is free and alive (see ``LOOKUP``); else a pooled connection, taken and
    given back as ``driver_snapshot``'s is, with autocommit put back, unless it
    becomes the engine's lookup connection.

    After any error the connection is closed, not pooled or kept: a message may
    have failed after some of its ``PREPARE``s, so what it holds prepared is not
    known.
    """
    sync_engine = engine.sync_engine
    kept = await _take_kept(sync_engine)
    if kept is not None:
        clean = False
        try:
            yield kept.connection
            clean = True
        finally:
            await _release(sync_engine, kept, clean)
        return
    connection = _idle_connection(engine) or await engine.raw_connection()
    clean = False
    try:
        driver = connection.driver_connection
        assert driver is not None
        await driver.set_autocommit(True)
        yield connection
        await driver.set_autocommit(False)  # refused were a transaction still open
        clean = True
    finally:
        if not clean:
            await greenlet_spawn(connection.invalidate)
        await _give_back(connection, clean)


LOOKUP = "mo_lookup_connection"
"""Execution option (on for engines made by ``make_engine``): keep one connection
of its own for small lookups: on PostgreSQL in autocommit mode, for their
messages (``driver_autocommit``); on SQLite for their snapshots
(``driver_snapshot``), where the pool's checkout and checkin were ~0.1 ms of a
unit page after a full collection, as much as SQLite's three statements.

Taking a pooled connection and turning autocommit on and off again cost 0.15 ms
of a 1.6 ms person page after a full collection (bench/RESULTS.md). The lookup
connection is opened by the first message, from a pool of its own made like the
engine's (``Pool.recreate``: the same settings and events), and stays checked
out. A message uses it when it is free (one at a time: others take the engine's
pooled connections as before) and alive (the checkout's test: psycopg knows it
closed, or the server sent something to it while idle). Its statements stay
prepared: no write ever rolls back on it. After a failed message, and at
``engine.dispose()`` (or, while it is in use, when that use ends), it is closed;
the next message opens another. The engine holds one connection more than its
pool's limit."""


class _Lookup:
    __slots__ = ("pool", "connection", "busy", "retired")

    def __init__(self, pool: Pool, connection: PoolProxiedConnection) -> None:
        self.pool = pool
        self.connection = connection
        self.busy = False
        self.retired = False


#: Each engine's lookup connection (``LOOKUP``), by its sync engine.
_LOOKUPS: weakref.WeakKeyDictionary[Engine, _Lookup] = weakref.WeakKeyDictionary()


async def _open(sync_engine: Engine) -> _Lookup:
    pool = sync_engine.pool.recreate()
    connection = await greenlet_spawn(pool.connect)
    try:
        driver = connection.driver_connection
        assert driver is not None
        if sync_engine.dialect.name == "postgresql":
            await driver.set_autocommit(True)
    except BaseException:
        await greenlet_spawn(_close, sync_engine, _Lookup(pool, connection))
        raise
    opened = _LOOKUPS.get(sync_engine)
    if opened is not None:  # another request's, opened meanwhile: one is enough
        await greenlet_spawn(_close, sync_engine, _Lookup(pool, connection))
        return opened
    _LOOKUPS[sync_engine] = kept = _Lookup(pool, connection)
    return kept


async def _take_kept(sync_engine: Engine) -> _Lookup | None:
    """The engine's lookup connection, marked busy, when the engine has the
    ``LOOKUP`` option and the connection is free (opened by the first use; on
    PostgreSQL also alive, else closed and another opened); ``_release`` gives it
    back. None: a pooled connection serves."""
    kept = _LOOKUPS.get(sync_engine)
    postgresql = sync_engine.dialect.name == "postgresql"  # SQLite's file connections do not die while idle
    if kept is not None and not kept.busy and postgresql and not _alive(kept.connection):
        await greenlet_spawn(_close, sync_engine, kept)
        kept = None
    if kept is None:
        if not sync_engine.get_execution_options().get(LOOKUP):
            return None
        kept = await _open(sync_engine)
    if kept.busy:
        return None
    kept.busy = True
    return kept


async def _release(sync_engine: Engine, kept: _Lookup, clean: bool) -> None:
    """The lookup connection free again; closed instead after a failure (its state is
    not known) or when its engine was disposed while it was in use."""
    kept.busy = False
    if not clean or kept.retired:
        await greenlet_spawn(_close, sync_engine, kept)


def _alive(connection: PoolProxiedConnection) -> bool:
    driver = connection.driver_connection
    return driver is not None and _gone(driver) is None


def _close(sync_engine: Engine, kept: _Lookup) -> None:
    """Close a lookup connection and its pool (in a greenlet: the driver's close is awaited)."""
    if _LOOKUPS.get(sync_engine) is kept:
        del _LOOKUPS[sync_engine]
    kept.connection.invalidate()  # closes the driver connection
    kept.connection.close()  # back to its pool, which is done with
    kept.pool.dispose()


def _on_dispose(sync_engine: Engine) -> None:
    """``engine_disposed``: close the engine's lookup connection, or have its user
    close it when done. Runs in ``AsyncEngine.dispose``'s greenlet."""
    kept = _LOOKUPS.get(sync_engine)
    if kept is None:
        return
    if kept.busy:
        kept.retired = True
        del _LOOKUPS[sync_engine]
    else:
        _close(sync_engine, kept)


async def _give_back(connection: PoolProxiedConnection, clean: bool) -> None:
    """Return a connection taken from the pool: ``clean`` (its transaction ended, as
    it was found) through SQLAlchemy's own way back for such a connection
    (``Connection.close`` uses it: no rollback to send, so no greenlet hop), else
    the usual way, which rolls back."""
    close_special = getattr(connection, "_close_special", None)
    if clean and close_special is not None:
        close_special(transaction_reset=True)
    else:
        await greenlet_spawn(connection.close)


def _idle_connection(engine: AsyncEngine) -> PoolProxiedConnection | None:
    """A connection the pool holds idle, taken without a greenlet hop (which costs
    ~0.1 ms when the CPU's caches are cold): checking out an open connection does
    no I/O. None when the pool holds none, or would have to open one again."""
    pool = engine.sync_engine.pool
    checkedin = getattr(pool, "checkedin", None)
    if checkedin is None or checkedin() == 0:
        return None
    try:
        return engine.sync_engine.raw_connection()
    except MissingGreenlet:  # an invalidated connection, to open again: the pool took it back
        return None
