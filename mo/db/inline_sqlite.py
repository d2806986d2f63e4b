"""An aiosqlite connection whose read-only snapshots run on the event loop's thread.

aiosqlite runs every call of a connection on that connection's worker thread: a
statement costs four round trips between threads (cursor, execute, fetch, close)
and a read transaction three more. For a small lookup those hops, not SQLite,
are the time: ~0.3 ms per statement against a few microseconds of SQL.

A read in WAL mode never waits for a lock: readers see the snapshot of their
first read and writers append to the WAL beside them. So a read-only snapshot
can call sqlite3 directly, inline, and only pays SQLite's own time.
:meth:`SnapshotConnection.begin_snapshot` starts such a transaction (``BEGIN``
plus ``PRAGMA query_only``, so that a write inside it fails at once instead of
waiting for the write lock on the loop's thread); its commit or rollback ends it.
Everything else - connecting, pragmas, and above all writers, whose
``BEGIN IMMEDIATE`` waits up to ``busy_timeout`` for the write lock - stays on
the worker thread, exactly as plain aiosqlite does.

The trade-off: while an inline statement runs, the event loop waits. A lookup
takes microseconds, but a statement that reads thousands of rows would stall
every other request for its SQL time. Two cheap guards keep the large ones off
the loop: a statement with more than :data:`INLINE_PARAMETERS` bound values (a
batch over many keys) runs on the worker thread, and a result is fetched inline
only up to :data:`INLINE_ROWS` rows, the rest on the worker thread. What remains
inline is a statement's first step, which for a sorted or aggregated result can
be the whole query.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

import aiosqlite
from aiosqlite.context import contextmanager

INLINE_PARAMETERS = 200
"""Statements with more bound values than this run on the worker thread."""

INLINE_ROWS = 500
"""Rows fetched inline per statement; the rest are fetched on the worker thread."""


class SnapshotCursor(aiosqlite.Cursor):
    """A cursor that runs inline while its connection is in a read-only snapshot."""

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
        self._off_loop = self._conn.on_loop and len(params) > INLINE_PARAMETERS
        await self._execute(self._cursor.execute, sql, params)
        return self

    async def fetchall(self) -> Iterable[sqlite3.Row]:
        if not self._conn.on_loop or self._off_loop:
            everything: list[Any] = await self._conn.on_worker(self._cursor.fetchall)
            return everything
        rows: list[Any] = self._cursor.fetchmany(INLINE_ROWS)
        if len(rows) == INLINE_ROWS:
            rows.extend(await self._conn.on_worker(self._cursor.fetchall))
        return rows


class SnapshotConnection(aiosqlite.Connection):
    """aiosqlite, except that read-only snapshots call sqlite3 inline."""

    inline = False
    """True between :meth:`begin_snapshot` and the transaction's commit or rollback."""

    _worker_behind = False
    """A worker call was abandoned (its caller cancelled) and may still be running."""

    @property
    def on_loop(self) -> bool:
        """Whether calls run on the loop's thread now."""
        return self.inline and not self._worker_behind

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.on_loop:
            return fn(*args, **kwargs)
        return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    async def on_worker(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` on the connection's worker thread, even inside a snapshot."""
        try:
            return await super()._execute(fn, *args, **kwargs)  # type: ignore[no-untyped-call]
        except asyncio.CancelledError:
            # The worker still runs ``fn``; whatever comes next must queue behind it.
            self._worker_behind = True
            raise

    @contextmanager
    async def cursor(self) -> aiosqlite.Cursor:
        return SnapshotCursor(self, await self._execute(self._conn.cursor))

    def begin_snapshot(self) -> None:
        """Start a read-only transaction whose statements run inline.

        Called between transactions, when the worker thread is idle (every call
        of the connection is awaited), so the loop's thread may use sqlite3.
        """
        conn = self._conn
        conn.execute("BEGIN")
        try:
            conn.execute("PRAGMA query_only=ON")
        except BaseException:
            conn.rollback()
            raise
        self.inline = True

    async def commit(self) -> None:
        await self._end(self._conn.commit)

    async def rollback(self) -> None:
        if not self.inline and not self._conn.in_transaction:
            return  # the pool's reset after a finished transaction: nothing to undo
        await self._end(self._conn.rollback)

    async def _end(self, fn: Callable[[], None]) -> None:
        if not self.inline:
            await super()._execute(fn)  # type: ignore[no-untyped-call]
            return
        if self._worker_behind:
            # Never touch sqlite3 from two threads at once: end behind the abandoned call.
            self.inline = False
            self._worker_behind = False
            await super()._execute(fn)  # type: ignore[no-untyped-call]
            await super()._execute(self._conn.execute, "PRAGMA query_only=OFF")  # type: ignore[no-untyped-call]
            return
        try:
            fn()
        finally:
            self.inline = False
            self._conn.execute("PRAGMA query_only=OFF")


def connect(path: str, **kwargs: Any) -> SnapshotConnection:
    """Like :func:`aiosqlite.connect`; sqlite3 may be called from the loop's thread too."""
    connection = SnapshotConnection(partial(sqlite3.connect, path, check_same_thread=False, **kwargs), 64)
    connection._thread.daemon = True
    return connection
