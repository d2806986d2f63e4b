"""An aiosqlite connection whose read snapshots and write transactions run on the event loop's thread.

aiosqlite runs every call of a connection on that connection's worker thread: a
statement costs four round trips between threads (cursor, execute, fetch, close)
and a read transaction three more. For a small lookup those hops, not SQLite,
are the time: ~0.3 ms per statement against a few microseconds of SQL; under
load (other threads wanting the CPU) a hop can take longer than the statement.

A read in WAL mode never waits for a lock: readers see the snapshot of their
first read and writers append to the WAL beside them. So a read-only snapshot
can call sqlite3 directly, inline, and only pays SQLite's own time.
:meth:`SnapshotConnection.begin_snapshot` starts such a transaction (``BEGIN``
plus ``PRAGMA query_only``, so that a write inside it fails at once instead of
waiting for the write lock on the loop's thread, unless its caller sends only
its own SELECTs); its commit or rollback ends it.

A writer waits once: its ``BEGIN IMMEDIATE`` takes the database's write lock, and
may wait up to ``busy_timeout`` for it, so :meth:`SnapshotConnection.begin_write`
sends it from the worker thread. Once it holds the lock nothing else in WAL mode
makes its statements wait (readers never block a writer, and no other writer
can start), so they run inline too. Its ``COMMIT`` goes back to the worker: a
commit may run the automatic WAL checkpoint, which copies pages into the
database file and syncs it. A rollback only drops the transaction's WAL frames
and runs inline. Connecting and pragmas stay on the worker thread, as in plain
aiosqlite.

The trade-off: while an inline statement runs, the event loop waits for SQLite's
own time. A lookup takes microseconds, but a statement that reads thousands of
rows would stall every other request for its SQL time. Cheap guards keep the
large ones off the loop: a statement with more than :data:`INLINE_PARAMETERS`
bound values (a batch over many keys) runs on the worker thread, a result is
fetched inline only up to :data:`INLINE_ROWS` rows, the rest on the worker
thread. What remains inline is a statement's first step, which for a sorted or
aggregated result can be the whole query.

A writer's statements are bounded too, more loosely: :data:`INLINE_WRITE_PARAMETERS`
bound values, and an ``executemany`` of up to :data:`INLINE_WRITE_ROWS` rows.
Unbounded, a bulk import of thousands of objects would stall the loop for all
of its SQL time. But while a writer holds the lock every other writer waits for
it whichever thread runs its statements, so there is less to gain by leaving the
loop free, and a bulk write of a few hundred objects (a few milliseconds of
SQLite per statement, ~0.5 ms of hops per statement under load) is better off
inline. The bounds keep any one inline write statement to a few milliseconds.

Cancellation: a caller cancelled while its call runs on the worker thread leaves
that call running there (``_worker_behind``). Until a later worker call has come
back (the worker runs its calls in order, so by then the abandoned one is done),
every call of the connection queues behind it on the worker, never inline: sqlite3
is never used from two threads at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sized
from functools import partial
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager

INLINE_PARAMETERS = 200
"""Statements with more bound values than this run on the worker thread."""

INLINE_ROWS = 500
"""Rows fetched inline per statement; the rest are fetched on the worker thread."""

INLINE_WRITE_PARAMETERS = 1000
"""In a writing transaction, statements with more bound values than this run on the worker thread."""

INLINE_WRITE_ROWS = 500
"""In a writing transaction, an ``executemany`` of more rows than this runs on the worker thread."""


class SnapshotCursor(aiosqlite.Cursor):
    """A cursor that runs inline while its connection is in an inline transaction."""

    _conn: SnapshotConnection

    def __init__(self, conn: SnapshotConnection, cursor: sqlite3.Cursor) -> None:
        super().__init__(conn, cursor)
        self._off_loop = False

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._conn.on_loop and not self._off_loop:
            return fn(*args, **kwargs)
        return await self._conn.on_worker(fn, *args, **kwargs)

    async def execute(self, sql: str, parameters: Iterable[Any] | None = None) -> SnapshotCursor:
        params: Any = [] if parameters is None else parameters
        conn = self._conn
        self._off_loop = conn.on_loop and len(params) > (INLINE_WRITE_PARAMETERS if conn.writing else INLINE_PARAMETERS)
        await self._execute(self._cursor.execute, sql, params)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Iterable[Any]]) -> SnapshotCursor:
        rows = parameters if isinstance(parameters, Sized) else list(parameters)
        self._off_loop = self._conn.on_loop and len(rows) > INLINE_WRITE_ROWS
        await self._execute(self._cursor.executemany, sql, rows)
        return self

    async def fetchall(self) -> Iterable[sqlite3.Row]:
        if not self._conn.on_loop or self._off_loop:
            everything: list[Any] = await self._conn.on_worker(self._cursor.fetchall)
            return everything
        return await self._conn.fetched_inline(self._cursor)


class SnapshotConnection(aiosqlite.Connection):
    """aiosqlite, except that read-only snapshots and locked writers call sqlite3 inline."""

    inline = False
    """True between :meth:`begin_snapshot` and the transaction's commit or rollback."""

    writing = False
    """True between :meth:`begin_write` and the transaction's commit or rollback."""

    guarded = False
    """True while a snapshot holds ``PRAGMA query_only`` (see :meth:`begin_snapshot`)."""

    _worker_behind = False
    """A worker call was abandoned (its caller cancelled) and may still be running."""

    @property
    def worker_behind(self) -> bool:
        """Whether a cancelled caller's call may still run on the worker thread."""
        return self._worker_behind

    @property
    def on_loop(self) -> bool:
        """Whether calls run on the loop's thread now."""
        return (self.inline or self.writing) and not self._worker_behind

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.on_loop:
            return fn(*args, **kwargs)
        return await self.on_worker(fn, *args, **kwargs)

    async def on_worker(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` on the connection's worker thread, even inside an inline transaction."""
        try:
            result = await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        except asyncio.CancelledError:
            # The worker still runs ``fn``; whatever comes next must queue behind it.
            self._worker_behind = True
            raise
        # The worker runs its calls in order: whatever an earlier cancelled caller left there is done.
        self._worker_behind = False
        return result

    async def fetched_inline(self, cursor: sqlite3.Cursor) -> list[Any]:
        """The rows of ``cursor``, running on the loop's thread: up to
        :data:`INLINE_ROWS` fetched inline, the rest on the worker thread."""
        rows: list[Any] = cursor.fetchmany(INLINE_ROWS)
        if len(rows) == INLINE_ROWS:
            rows.extend(await self.on_worker(cursor.fetchall))
        return rows

    async def rows(self, sql: str, parameters: Any, off_loop: bool = False) -> list[Any]:
        """All rows of one statement, read without an aiosqlite cursor: inline when
        the connection runs on the loop's thread (fetched as ``fetched_inline``),
        else, or when ``off_loop``, in one call on the worker thread."""
        if off_loop or not self.on_loop:
            rows: list[Any] = await self.on_worker(_all_rows, self._conn, sql, parameters)
            return rows
        return await self.fetched_inline(self._conn.execute(sql, parameters))

    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return SnapshotCursor(self, await self._execute(self._conn.cursor))

    def begin_snapshot(self, guarded: bool = True) -> None:
        """Start a read-only transaction whose statements run inline.

        Called between transactions, when the worker thread is idle (every call
        of the connection is awaited, and :meth:`settle` waited for an abandoned
        one), so the loop's thread may use sqlite3.

        ``guarded``: with ``PRAGMA query_only``, so that a write by mistake fails at
        once. A caller that sends only its own prepared SELECTs may leave it out:
        the two pragmas cost little warm, but ~0.13 ms when the CPU's caches are cold.
        """
        conn = self._conn
        conn.execute("BEGIN")
        if guarded:
            try:
                conn.execute("PRAGMA query_only=ON")
            except BaseException:
                conn.rollback()
                raise
        self.inline = True
        self.guarded = guarded

    async def settle(self) -> None:
        """Wait until a call a cancelled caller left on the worker thread is done."""
        if self._worker_behind:
            await self.on_worker(lambda: None)

    async def begin_write(self) -> None:
        """Take the write lock (``BEGIN IMMEDIATE``, on the worker thread: it may wait
        up to ``busy_timeout``); the transaction's statements then run inline."""
        await self.on_worker(self._conn.execute, "BEGIN IMMEDIATE")
        self.writing = True

    async def commit(self) -> None:
        if self.writing:
            # A commit may checkpoint the WAL (write and sync the database file): on the worker.
            try:
                await self.on_worker(self._conn.commit)
            finally:
                self.writing = False
            return
        await self._end(self._conn.commit)

    async def rollback(self) -> None:
        if not (self.inline or self.writing or self._worker_behind) and not self._conn.in_transaction:
            return  # the pool's reset after a finished transaction: nothing to undo
        await self._end(self._conn.rollback)

    async def close(self) -> None:
        """Close; roll back first if a transaction may be open.

        SQLAlchemy closes (rather than rolls back) a connection whose caller was
        cancelled mid-statement. sqlite3's close alone does not end the
        transaction while a cursor still holds an unfinished statement: the
        connection lingers, and a writer's lock with it, until that cursor is
        collected. The rollback (behind the abandoned call) ends it at once.
        """
        if self._connection is not None and (self.inline or self.writing or self._worker_behind):
            self.inline = self.writing = self.guarded = False
            try:
                await self.on_worker(self._conn.rollback)
            except sqlite3.Error:
                pass  # closing regardless
        await super().close()

    async def _end(self, fn: Callable[[], None]) -> None:
        guarded = self.inline and self.guarded
        if self._worker_behind or not self.on_loop:
            # Never touch sqlite3 from two threads at once: end behind the abandoned call.
            self.inline = self.writing = self.guarded = False
            await self.on_worker(fn)
            if guarded:
                await self.on_worker(self._conn.execute, "PRAGMA query_only=OFF")
            return
        try:
            fn()
        finally:
            self.inline = self.writing = self.guarded = False
            if guarded:
                self._conn.execute("PRAGMA query_only=OFF")


def connect(path: str, **kwargs: Any) -> SnapshotConnection:
    """Like :func:`aiosqlite.connect`; sqlite3 may be called from the loop's thread too."""
    connection = SnapshotConnection(partial(sqlite3.connect, path, check_same_thread=False, **kwargs), 64)
    connection._thread.daemon = True
    return connection


def _all_rows(connection: sqlite3.Connection, sql: str, parameters: Any) -> list[Any]:
    return connection.execute(sql, parameters).fetchall()
