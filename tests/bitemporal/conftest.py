"""Fixtures for the bitemporal tests: a toy schema on SQLite and on PostgreSQL.

The toy schema is one versioned table ``thing`` (``name``, ``size``, both nullable)
plus the registration tables. Store-level tests take the ``db`` fixture, which is
parametrised over both backends; each test works on fresh object uuids, so the
databases are created once per session and never cleaned.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from sqlalchemy import Column, Integer, MetaData, String, event, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bitemporal import Registrar, Registration, RegistrationTables, Version, VersionedTable, utcnow
from bitemporal.registration import Clock
from bitemporal.tables import exclusion_constraint_sql, versioned_table

PG_HOST = os.environ.get("BITEMPORAL_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BITEMPORAL_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("BITEMPORAL_TEST_PG_USER", "postgres")
PG_DATABASE = os.environ.get("BITEMPORAL_TEST_PG_DATABASE", "bitemporal_test")

#: Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE.
WRITE = "bitemporal_test_write"

ACTOR = UUID("00000000-0000-4000-8000-0000000000ac")

metadata = MetaData()
TABLES = RegistrationTables.define(metadata)
THING = versioned_table(
    "thing",
    metadata,
    Column("name", String(40), nullable=True),
    Column("size", Integer(), nullable=True),
)
THINGS = VersionedTable(THING)

#: Day 0 of the day numbers the tests use.
BASE = date(2020, 1, 1)


def day(n: int) -> date:
    return BASE + timedelta(days=n)


Compute = Callable[[list[Version]], Sequence[Version]]


class Harness:
    """The toy schema on one engine, with the write path spelled out once."""

    table = THING
    store = THINGS
    tables = TABLES
    actor = ACTOR

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def connect_write(self) -> AbstractAsyncContextManager[AsyncConnection]:
        """``async with harness.connect_write() as conn``: a writing transaction."""
        return _write_transaction(self.engine)

    async def write(
        self,
        uuid: UUID,
        compute: Compute,
        *,
        clock: Clock = utcnow,
        note: str | None = None,
        actor: UUID = ACTOR,
    ) -> Registration | None:
        """lock -> current -> compute -> replace in one transaction.

        Returns the transaction's registration, or None if nothing changed.
        """
        async with self.connect_write() as conn:
            await self.store.lock(conn, uuid)
            old = await self.store.current(conn, uuid)
            new = compute(old)
            registrar = Registrar(conn, self.tables, actor, note, clock)
            changed = await self.store.replace(conn, registrar, uuid, old, new)
            assert changed == (registrar.registration is not None)
            return registrar.registration

    async def current(self, uuid: UUID, registration_time: datetime | None = None) -> list[Version]:
        async with self.engine.connect() as conn:
            return await self.store.current(conn, uuid, registration_time)

    async def rows(self, conn: AsyncConnection, uuid: UUID, *, current_only: bool = False) -> list[Any]:
        t = self.table
        query = select(t).where(t.c.uuid == uuid)
        if current_only:
            query = query.where(t.c.reg_to.is_(None))
        return list((await conn.execute(query.order_by(t.c.valid_from, t.c.id))).mappings())

    async def registrations(self, conn: AsyncConnection, uuid: UUID) -> list[Any]:
        """The registrations that touched ``uuid``, in the order they were created."""
        reg, obj = self.tables.registration, self.tables.registration_object
        query = (
            select(reg)
            .join(obj, obj.c.registration_id == reg.c.id)
            .where(obj.c.uuid == uuid, obj.c.model == self.store.model)
            .order_by(reg.c.id)
        )
        return list((await conn.execute(query)).mappings())


@asynccontextmanager
async def _write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A writing transaction: BEGIN IMMEDIATE on SQLite, plain on PostgreSQL."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(**{WRITE: True})
        async with conn.begin():
            yield conn


def _sqlite_engine(path: Path) -> AsyncEngine:
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")

    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let us emit BEGIN ourselves (the driver would otherwise BEGIN DEFERRED).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

    return engine


@pytest.fixture(scope="session")
async def sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AsyncEngine]:
    engine = _sqlite_engine(tmp_path_factory.mktemp("bitemporal") / "bitemporal.sqlite")
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


def _recreate_pg_database() -> None:
    try:
        admin = psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True)
    except psycopg.OperationalError as error:  # pragma: no cover - environment problem
        raise RuntimeError(
            f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}; "
            "start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start`"
        ) from error
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{PG_DATABASE}"')


@pytest.fixture(scope="session")
async def postgresql_engine() -> AsyncIterator[AsyncEngine]:
    _recreate_pg_database()
    engine = create_async_engine(
        f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DATABASE}", pool_size=10, max_overflow=10
    )
    async with engine.begin() as conn:
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
        await conn.run_sync(metadata.create_all)
        await conn.execute(text(exclusion_constraint_sql(THING.name)))
    yield engine
    await engine.dispose()


@pytest.fixture(
    scope="session",
    params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def engine(request: pytest.FixtureRequest) -> AsyncEngine:
    """The engine of each backend in turn."""
    return request.getfixturevalue(f"{request.param}_engine")  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def db(engine: AsyncEngine) -> Harness:
    """The toy schema on each backend in turn."""
    return Harness(engine)


@pytest.fixture(scope="session")
def pg(postgresql_engine: AsyncEngine) -> Harness:
    """The toy schema on PostgreSQL only."""
    return Harness(postgresql_engine)


@pytest.fixture(scope="session")
def lite(sqlite_engine: AsyncEngine) -> Harness:
    """The toy schema on SQLite only."""
    return Harness(sqlite_engine)
