"""Read and write transactions: writers take turns, readers never wait for them.

On SQLite a read snapshot runs its statements on the event loop's thread
(``mo.db.inline_sqlite``); these tests pin down what that must not change.
Orderings are observed through events, never through timings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import TextClause, bindparam, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from mo.db import inline_sqlite
from mo.db.engine import read_transaction, write_transaction
from mo.db.tables import event_namespace

OWNER = uuid4()

#: Tests of one backend's machinery run on that backend only (not skipped on the other).
ONLY_SQLITE = pytest.mark.parametrize("backend_engine", ["sqlite"], indirect=True)
ONLY_POSTGRESQL = pytest.mark.parametrize("backend_engine", ["postgresql"], indirect=True)


async def _add(conn: AsyncConnection, name: str) -> None:
    await conn.execute(insert(event_namespace).values(name=name, owner=OWNER, public=False))


async def _names(conn: AsyncConnection) -> list[str]:
    return list((await conn.execute(select(event_namespace.c.name).order_by(event_namespace.c.name))).scalars())


async def _read_names(engine: AsyncEngine) -> list[str]:
    async with read_transaction(engine) as conn:
        return await _names(conn)


def _is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


async def test_a_second_writer_waits_until_the_first_commits(engine: AsyncEngine) -> None:
    entered = asyncio.Event()
    order: list[str] = []

    async def second() -> None:
        async with write_transaction(engine) as conn:
            entered.set()
            order.append("second writes")
            await _add(conn, "b")

    async with write_transaction(engine) as conn:
        await _add(conn, "a")
        if _is_sqlite(engine):
            # BEGIN IMMEDIATE: the second writer waits for the lock (on its worker
            # thread, so this loop keeps running and can commit the first).
            task = asyncio.create_task(second())
            for _ in range(20):
                await asyncio.sleep(0.01)
            assert not entered.is_set(), "a second SQLite writer began while the first held the lock"
        order.append("first commits")
    if not _is_sqlite(engine):
        task = asyncio.create_task(second())
    await task
    assert order == ["first commits", "second writes"]
    assert await _read_names(engine) == ["a", "b"]


async def test_a_read_is_not_blocked_by_a_writer_in_progress(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        await _add(conn, "committed")
    async with write_transaction(engine) as writer:
        await _add(writer, "uncommitted")
        # The writer holds the lock and has not committed: a read completes at once
        # (on SQLite inline, on this very loop) and does not see the pending row.
        assert await _read_names(engine) == ["committed"]
    assert await _read_names(engine) == ["committed", "uncommitted"]


async def test_a_reader_sees_one_snapshot_for_its_whole_transaction(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        await _add(conn, "before")
    async with read_transaction(engine) as reader:
        assert await _names(reader) == ["before"]
        async with write_transaction(engine) as conn:
            await _add(conn, "during")
        assert await _names(reader) == ["before"], "a committed write leaked into a running snapshot"
    assert await _read_names(engine) == ["before", "during"]


async def test_a_read_transaction_refuses_to_write(engine: AsyncEngine) -> None:
    with pytest.raises(DBAPIError):
        async with read_transaction(engine) as conn:
            await _add(conn, "nope")
    # The refusal leaves the pooled connections fit for writing and reading.
    for name in ("x", "y", "z"):
        async with write_transaction(engine) as conn:
            await _add(conn, name)
        assert (await _read_names(engine))[-1] == name


async def test_a_failed_statement_in_a_snapshot_leaves_the_connection_usable(engine: AsyncEngine) -> None:
    with pytest.raises(DBAPIError):
        async with read_transaction(engine) as conn:
            await conn.execute(text("SELECT no_such_column FROM event_namespace"))
    async with write_transaction(engine) as conn:
        await _add(conn, "after")
    assert await _read_names(engine) == ["after"]


async def test_large_reads_return_every_row(engine: AsyncEngine) -> None:
    rows = inline_sqlite.INLINE_ROWS * 2 + 7
    count = text(
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < :rows) SELECT x FROM n"
    ).bindparams(rows=rows)
    names = [f"n{i:04}" for i in range(inline_sqlite.INLINE_PARAMETERS + 50)]
    async with write_transaction(engine) as conn:
        for name in names[:10]:
            await _add(conn, name)
    async with read_transaction(engine) as conn:
        assert list((await conn.execute(count)).scalars()) == list(range(1, rows + 1))
        many = select(func.count()).select_from(event_namespace).where(event_namespace.c.name.in_(names))
        assert (await conn.execute(many)).scalar() == 10


@ONLY_SQLITE  # PostgreSQL has no inline snapshots
async def test_sqlite_snapshots_are_read_only_and_writers_inline_once_locked(engine: AsyncEngine) -> None:
    async with read_transaction(engine) as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, inline_sqlite.SnapshotConnection)
        await _names(conn)
        assert driver.inline and not driver.writing and driver.on_loop
    assert not driver.inline and not driver.on_loop
    async with write_transaction(engine) as conn:
        raw = await conn.get_raw_connection()
        writer = raw.driver_connection
        assert writer.writing and not writer.inline and writer.on_loop
        await _add(conn, "w")
    assert not writer.writing and not writer.on_loop


@ONLY_POSTGRESQL
async def test_pooled_postgresql_connections_the_server_closed_are_replaced(engine: AsyncEngine) -> None:
    async with write_transaction(engine) as conn:
        await _add(conn, "kept")
    # Check out several connections at once so that the pool holds more than one idle.
    readers = [read_transaction(engine) for _ in range(3)]
    conns = [await reader.__aenter__() for reader in readers]
    pids = [(await conn.execute(text("SELECT pg_backend_pid()"))).scalar() for conn in conns]
    for reader in reversed(readers):
        await reader.__aexit__(None, None, None)
    admin = create_async_engine(engine.url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
                               {"pids": pids})
            for _ in range(200):
                alive = (await conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)"),
                                            {"pids": pids})).scalar()
                if not alive:
                    break
                await asyncio.sleep(0.01)
    finally:
        await admin.dispose()
    # No ping: every read finds its connection dead on checkout and takes a new one.
    for _ in range(4):
        assert await _read_names(engine) == ["kept"]


async def cancelled_midway(work: Coroutine[Any, Any, None], started: asyncio.Event) -> None:
    """Run ``work`` until it sets ``started``, give it time to reach the worker thread, cancel it."""
    task = asyncio.create_task(work)
    await started.wait()
    await asyncio.sleep(0.02)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def slow_count(upto: int) -> TextClause:
    """A statement slow enough to cancel mid-way: it counts to ``upto``, skipping the
    values of the expanding list ``:values``."""
    return text(
        f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {upto}) "
        "SELECT count(*) FROM n WHERE x NOT IN :values"
    ).bindparams(bindparam("values", expanding=True))


@ONLY_SQLITE  # SQLite's worker thread
async def test_a_read_cancelled_during_a_large_statement_leaves_the_connection_usable(engine: AsyncEngine) -> None:
    # More bound values than INLINE_PARAMETERS: the statement runs on the worker thread.
    values = list(range(-inline_sqlite.INLINE_PARAMETERS - 10, 0))
    slow = slow_count(2_000_000)
    started = asyncio.Event()

    async def read() -> None:
        async with read_transaction(engine) as conn:
            started.set()
            await conn.execute(slow, {"values": values})

    await cancelled_midway(read(), started)
    async with write_transaction(engine) as conn:
        await _add(conn, "after")
    assert await _read_names(engine) == ["after"]
