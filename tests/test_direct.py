"""Statements run on the driver connection (``mo.db.direct``) give exactly the rows
SQLAlchemy's own execution gives, fire SQLAlchemy's statement events, and keep
large batches off the event loop on SQLite."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.util import greenlet_spawn

from mo.db import direct
from mo.db.engine import driver_snapshot, read_transaction
from mo.db.inline_sqlite import INLINE_PARAMETERS
from mo.db.tables import TABLES
from mo.graphapi.loaders import _reverse_statement, _versions_statement
from mo.model import MODELS
from tests.conftest import Client
from tests.test_lean_resolvers import world  # noqa: F401 - the fixture
from tests.typeseed import C0, ENGAGEMENT, LATE_ENGAGEMENT, MISSING, PERSON_P, PERSON_Q, UNIT_A

pytestmark = pytest.mark.asyncio

NOW = datetime(2100, 1, 1).astimezone()


def _arrays(client: Client) -> bool:
    return client.engine.dialect.name == "postgresql"


@pytest.mark.parametrize("at_registration_time", [False, True])
async def test_direct_rows_equal_sqlalchemys(world: Client, at_registration_time: bool) -> None:  # noqa: F811
    arrays = _arrays(world)
    cases: list[tuple[direct.Prepared, dict[str, Any]]] = [
        (
            _versions_statement("engagement", MODELS["engagement"].field_names, at_registration_time, arrays),
            {"uuids": [UUID(ENGAGEMENT), UUID(LATE_ENGAGEMENT), UUID(MISSING)]},
        ),
        (  # a secret field, read as its stored text
            _versions_statement("person", ("cpr_number", "given_name"), at_registration_time, arrays),
            {"uuids": [UUID(PERSON_P), UUID(PERSON_Q)]},
        ),
        (_reverse_statement("engagement", "org_unit_uuid", at_registration_time, arrays), {"targets": [UUID(UNIT_A)]}),
    ]
    async with read_transaction(world.engine) as conn:
        for prepared, values in cases:
            values = {**values, "rt": NOW if at_registration_time else None, "start": date(2000, 1, 1),
                      "end": date(2100, 1, 1)}
            expected = [tuple(row) for row in await conn.execute(prepared.statement, values)]
            got = [tuple(row) for row in await direct.run(conn, prepared, values)]
            assert got == expected
            assert got, "the comparison is not of empty results"
            assert {type(row[0]) for row in got} == {UUID}
            assert {type(row[1 if prepared.batch == "uuids" else 2]) for row in got} == {date}


async def test_direct_statements_fire_sqlalchemys_events(world: Client) -> None:  # noqa: F811
    seen: list[tuple[str, str]] = []

    def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen.append(("before", statement))

    def after(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        seen.append(("after", statement))

    prepared = _reverse_statement("engagement", "person_uuid", False, _arrays(world))
    sync = world.engine.sync_engine
    event.listen(sync, "before_cursor_execute", before)
    event.listen(sync, "after_cursor_execute", after)
    try:
        async with read_transaction(world.engine) as conn:
            rows = await direct.run(conn, prepared, {"targets": [UUID(PERSON_P)], "rt": None,
                                                     "start": date(2000, 1, 1), "end": date(2100, 1, 1)})
    finally:
        event.remove(sync, "before_cursor_execute", before)
        event.remove(sync, "after_cursor_execute", after)
    assert {row[0] for row in rows} == {UUID(ENGAGEMENT), UUID(LATE_ENGAGEMENT)}
    statements = [s for _, s in seen if "FROM engagement" in s]
    assert [kind for kind, s in seen if "FROM engagement" in s] == ["before", "after"]
    assert statements[0] == prepared.sql(world.engine.dialect)


@pytest.mark.parametrize("backend_engine", ["sqlite"], indirect=True)  # psycopg never blocks the loop
@pytest.mark.parametrize("keys", [3, INLINE_PARAMETERS + 1])
async def test_a_large_batch_runs_on_the_worker_thread_on_sqlite(
    world: Client, monkeypatch: pytest.MonkeyPatch, keys: int  # noqa: F811
) -> None:
    from mo.db.inline_sqlite import SnapshotConnection

    calls: list[str] = []
    real = SnapshotConnection.on_worker

    async def on_worker(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(SnapshotConnection, "on_worker", on_worker)
    uuids = [UUID(ENGAGEMENT)] + [UUID(int=n) for n in range(keys - 1)]
    prepared = _versions_statement("engagement", ("user_key",), False, False)
    async with read_transaction(world.engine) as conn:
        rows = await direct.run(conn, prepared, {"uuids": uuids, "rt": None, "start": date(2000, 1, 1),
                                                 "end": date(2100, 1, 1)})
    assert [row[0] for row in rows] == [UUID(ENGAGEMENT)]
    assert calls == ([] if keys <= INLINE_PARAMETERS else ["_all_rows"])


async def test_driver_snapshot_rows_equal_sqlalchemys(world: Client) -> None:  # noqa: F811
    prepared = _versions_statement("engagement", MODELS["engagement"].field_names, False, _arrays(world))
    values = {"uuids": [UUID(ENGAGEMENT), UUID(LATE_ENGAGEMENT)], "rt": None, "start": date(2000, 1, 1),
              "end": date(2100, 1, 1)}
    async with read_transaction(world.engine) as conn:
        expected = [tuple(row) for row in await direct.run(conn, prepared, values)]
    async with driver_snapshot(world.engine) as connection:
        got = [tuple(row) for row in await direct.run_on_driver(world.engine.sync_engine, connection, prepared, values)]
    assert got == expected and got


async def test_a_driver_snapshot_sees_one_moment(world: Client) -> None:  # noqa: F811
    """A unit made while the snapshot is open is not in it; the next snapshot sees it."""
    units = direct.Prepared(select(func.count()).select_from(TABLES["org_unit"]))
    engine = world.engine

    async def count(connection: Any) -> int:
        [(number,)] = await direct.run_on_driver(engine.sync_engine, connection, units, {})
        return int(number)

    async with driver_snapshot(engine) as connection:
        before = await count(connection)
        await world.ok(
            "mutation ($i: OrganisationUnitCreateInput!) { org_unit_create(input: $i) { uuid } }",
            {"i": {"name": "Later", "user_key": "later", "parent": UNIT_A, "org_unit_type": C0,
                   "validity": {"from": "2020-01-01"}}},
        )
        assert await count(connection) == before
    async with driver_snapshot(engine) as connection:
        assert await count(connection) == before + 1


@pytest.mark.parametrize("fails", [False, True])
async def test_a_driver_snapshot_leaves_its_connection_as_it_found_it(world: Client, fails: bool) -> None:  # noqa: F811
    """Back in the pool, the connection is in no transaction, and on PostgreSQL has
    the isolation level and read-only setting it had: the next user may write."""
    engine = world.engine
    if _arrays(world):  # one connection, so that each checkout is the same one
        engine = create_async_engine(engine.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    statement = direct.Prepared(select(func.count()).select_from(TABLES["person"]))
    try:
        found = await engine.raw_connection()
        driver = found.driver_connection
        settings = (driver.isolation_level, driver.read_only) if _arrays(world) else None
        await greenlet_spawn(found.close)
        try:
            async with driver_snapshot(engine) as connection:
                used = connection.driver_connection
                assert used is driver or not _arrays(world)
                await direct.run_on_driver(engine.sync_engine, connection, statement, {})
                if _arrays(world):
                    assert driver.read_only is True
                if fails:
                    raise LookupError("the caller's own failure")
        except LookupError:
            assert fails
        if _arrays(world):
            assert (driver.isolation_level, driver.read_only) == settings
            assert driver.info.transaction_status.name == "IDLE"
        else:
            assert not used.in_transaction and not used.inline and not used.guarded
            assert used._conn.execute("PRAGMA query_only").fetchone() == (0,)  # a writer may use it next
    finally:
        if engine is not world.engine:
            await engine.dispose()


@pytest.mark.parametrize("state", ["disposed", "invalidated"])
async def test_a_driver_snapshot_opens_a_connection_when_none_is_ready(world: Client, state: str) -> None:  # noqa: F811
    """The pool's idle connections are taken without a greenlet hop; an empty pool
    (after ``dispose``) or closed connections in it are opened the usual way."""
    engine = world.engine
    await engine.dispose()
    if state == "invalidated":
        taken = [await engine.raw_connection() for _ in range(2)]
        for connection in taken:
            connection.invalidate()
            await greenlet_spawn(connection.close)
        assert engine.sync_engine.pool.checkedin() == 2
    statement = direct.Prepared(select(func.count()).select_from(TABLES["person"]))
    for _ in range(3):
        async with driver_snapshot(engine) as connection:
            [(persons,)] = await direct.run_on_driver(engine.sync_engine, connection, statement, {})
        assert persons > 0
    assert await world.ok("{ persons { objects { uuid } } }")


async def test_sqlite_snapshots_keep_a_connection_of_their_own(world: Client) -> None:  # noqa: F811
    """On SQLite an engine made by ``make_engine`` keeps one connection outside its
    pool for snapshots (``mo.db.engine.LOOKUP``): back to back, snapshots never take
    one from the pool; one begun while it is busy takes a pooled one; ``dispose``
    closes it. On PostgreSQL that connection is in autocommit mode, for whole
    messages (``tests/test_batch.py``), and snapshots take pooled connections."""
    from mo.db import engine as engine_module
    from mo.db.engine import make_engine

    sqlite = not _arrays(world)
    engine = make_engine(world.engine.url.render_as_string(hide_password=False))
    pool = engine.sync_engine.pool
    statement = direct.Prepared(select(func.count()).select_from(TABLES["person"]))

    async def persons(connection: Any) -> int:
        [(number,)] = await direct.run_on_driver(engine.sync_engine, connection, statement, {})
        return int(number)

    try:
        used = []
        for _ in range(3):
            async with driver_snapshot(engine) as connection:
                used.append(connection.driver_connection)
                assert await persons(connection) > 0
        kept = engine_module._LOOKUPS.get(engine.sync_engine)
        if not sqlite:
            assert kept is None and pool.checkedin() == 1 and pool.checkedout() == 0
            return
        assert kept is not None and not kept.busy
        assert all(driver is kept.connection.driver_connection for driver in used)
        assert (pool.checkedin(), pool.checkedout()) == (0, 0)  # the pool never opened one
        async with driver_snapshot(engine) as first:
            async with driver_snapshot(engine) as second:  # the kept one is busy
                assert first.driver_connection is kept.connection.driver_connection
                assert second.driver_connection is not first.driver_connection
                assert await persons(second) == await persons(first)
        assert (pool.checkedin(), pool.checkedout(), kept.busy) == (1, 0, False)
        with pytest.raises(LookupError):  # the caller's failure rolls back; the connection stays kept
            async with driver_snapshot(engine) as connection:
                raise LookupError("the caller's own failure")
        assert engine_module._LOOKUPS.get(engine.sync_engine) is kept and not kept.busy
        database = kept.connection.driver_connection._conn
        assert not database.in_transaction
    finally:
        await engine.dispose()
    assert engine_module._LOOKUPS.get(engine.sync_engine) is None
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        database.execute("SELECT 1")


async def test_concurrent_first_users_keep_one_lookup_connection(world: Client) -> None:  # noqa: F811
    """Requests that all find no lookup connection yet each open one; the first to
    finish keeps it and the others close theirs and take pooled connections (on
    SQLite for snapshots, on PostgreSQL for whole messages)."""
    from mo.db import engine as engine_module
    from mo.db.engine import driver_autocommit, make_engine

    engine = make_engine(world.engine.url.render_as_string(hide_password=False))
    opened: list[object] = []
    closed: list[object] = []
    event.listen(engine.sync_engine, "connect", lambda connection, record: opened.append(connection))
    event.listen(engine.sync_engine, "close", lambda connection, record: closed.append(connection))
    use = driver_autocommit if _arrays(world) else driver_snapshot

    async def one() -> None:
        async with use(engine):
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(one() for _ in range(3)))
        kept = engine_module._LOOKUPS.get(engine.sync_engine)
        assert kept is not None and not kept.busy
        assert len(opened) >= 2, "the requests did not overlap: nothing was tested"
        pool = engine.sync_engine.pool
        assert len(opened) - len(closed) == 1 + pool.checkedin() and pool.checkedout() == 0
    finally:
        await engine.dispose()
    assert len(opened) == len(closed)
