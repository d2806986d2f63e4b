"""SQLite writing transactions run their statements inline once they hold the write lock.

``mo.db.inline_sqlite``: ``BEGIN IMMEDIATE`` waits for the lock on the worker
thread, the statements after it run on the event loop's thread unless they are
large, and a cancelled caller never leaves sqlite3 used from two threads or a
transaction open. Which thread ran a statement is observed through a SQL
function that records it; orderings through events, never through timings.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mo.db import inline_sqlite
from mo.db.engine import read_transaction, write_transaction
from mo.db.tables import event_namespace
from tests.test_db_transactions import cancelled_midway, slow_count

pytestmark = pytest.mark.parametrize("backend_engine", ["sqlite"], indirect=True)

OWNER = uuid4()


async def _add(conn: AsyncConnection, name: str) -> None:
    await conn.execute(insert(event_namespace).values(name=name, owner=OWNER, public=False))


async def _read_names(engine: AsyncEngine) -> list[str]:
    async with read_transaction(engine) as conn:
        return list((await conn.execute(select(event_namespace.c.name).order_by(event_namespace.c.name))).scalars())


async def _driver(conn: AsyncConnection) -> inline_sqlite.SnapshotConnection:
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, inline_sqlite.SnapshotConnection)
    return driver


@asynccontextmanager
async def threads_seen(conn: AsyncConnection) -> AsyncIterator[Callable[[], list[int]]]:
    """A SQL function ``seen_by(x)`` on this connection that records the thread calling it."""
    driver = await _driver(conn)
    seen: list[int] = []

    def record(value: Any) -> Any:
        seen.append(threading.get_ident())
        return value

    await driver.on_worker(driver._conn.create_function, "seen_by", 1, record)
    try:
        yield lambda: seen
    finally:
        await driver.on_worker(driver._conn.create_function, "seen_by", 1, None)


async def test_a_writer_runs_its_statements_inline_once_it_holds_the_lock(engine: AsyncEngine) -> None:
    loop_thread = threading.get_ident()
    async with write_transaction(engine) as conn:
        driver = await _driver(conn)
        assert driver.writing and driver.on_loop
        async with threads_seen(conn) as seen:
            await conn.execute(
                insert(event_namespace).values(name=text("seen_by('inline')"), owner=OWNER, public=False)
            )
            await conn.execute(text("SELECT seen_by(1)"))
            assert seen() == [loop_thread, loop_thread]
    assert not driver.writing
    assert await _read_names(engine) == ["inline"]


async def test_large_write_statements_run_on_the_worker_thread(engine: AsyncEngine) -> None:
    loop_thread = threading.get_ident()
    many = [f"n{i:05}" for i in range(inline_sqlite.INLINE_WRITE_ROWS + 1)]
    keys = list(range(inline_sqlite.INLINE_WRITE_PARAMETERS + 1))
    statement = text("SELECT seen_by(count(*)) FROM event_namespace WHERE owner NOT IN :keys").bindparams(
        bindparam("keys", expanding=True)
    )
    async with write_transaction(engine) as conn:
        async with threads_seen(conn) as seen:
            await conn.execute(
                text("INSERT INTO event_namespace (name, owner, public) VALUES (seen_by(:name), :owner, 0)"),
                [{"name": name, "owner": OWNER.hex} for name in many],
            )
            await conn.execute(statement, {"keys": keys})
            threads = set(seen())
        assert loop_thread not in threads and len(threads) == 1
        # Smaller statements after them run inline again.
        async with threads_seen(conn) as seen:
            await conn.execute(text("SELECT seen_by(1)"))
            assert seen() == [loop_thread]
    assert await _read_names(engine) == many


async def test_a_writer_cancelled_while_waiting_for_the_lock_leaves_nothing_behind(engine: AsyncEngine) -> None:
    waiting = asyncio.Event()

    async def second() -> None:
        waiting.set()
        async with write_transaction(engine) as conn:
            await _add(conn, "cancelled")

    async with write_transaction(engine) as conn:
        await _add(conn, "first")
        task = asyncio.create_task(second())
        await waiting.wait()
        for _ in range(5):  # let the second writer reach BEGIN IMMEDIATE on its worker thread
            await asyncio.sleep(0.01)
        task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The lock was released and no connection kept a transaction: writes and reads go on, inline.
    for name in ("x", "y", "z"):
        async with write_transaction(engine) as conn:
            assert (await _driver(conn)).on_loop
            await _add(conn, name)
    assert await _read_names(engine) == ["first", "x", "y", "z"]


async def test_a_writer_cancelled_during_a_statement_on_the_worker_rolls_back(engine: AsyncEngine) -> None:
    # More bound values than INLINE_WRITE_PARAMETERS: the statement runs on the worker thread.
    values = list(range(-inline_sqlite.INLINE_WRITE_PARAMETERS - 10, 0))
    slow = slow_count(3_000_000)
    started = asyncio.Event()

    async def write() -> None:
        async with write_transaction(engine) as conn:
            await _add(conn, "rolled back")
            started.set()
            await conn.execute(slow, {"values": values})
            await _add(conn, "never")

    await cancelled_midway(write(), started)
    async with write_transaction(engine) as conn:
        assert (await _driver(conn)).on_loop
        await _add(conn, "after")
    assert await _read_names(engine) == ["after"]


async def test_a_failed_write_statement_rolls_back_inline_and_the_connection_stays_usable(
    engine: AsyncEngine,
) -> None:
    with pytest.raises(Exception, match="UNIQUE|unique"):
        async with write_transaction(engine) as conn:
            await _add(conn, "twice")
            await _add(conn, "twice")
    async with write_transaction(engine) as conn:
        await _add(conn, "once")
    assert await _read_names(engine) == ["once"]
