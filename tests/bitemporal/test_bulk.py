"""``insert_rows`` writes exactly what SQLAlchemy's own executemany writes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.dialects.sqlite import aiosqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlalchemy.ext.asyncio import AsyncEngine

from bitemporal.bulk import insert_rows, plan_insert
from bitemporal.columns import FastUuid, UTCDateTime, UUIDList
from mo.db.tables import metadata as mo_metadata

class Tagged(TypeDecorator[Any]):
    """Stores a value as ``type:value`` and counts how often it processed one."""

    impl = Text()
    cache_ok = True
    calls = 0

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        Tagged.calls += 1
        return None if value is None else f"{type(value).__name__}:{value}"


DIALECTS: list[Dialect] = [aiosqlite.dialect(), psycopg.dialect()]

probe_metadata = MetaData()
PROBE = Table(
    "bulk_probe",
    probe_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", FastUuid(), nullable=True),
    Column("day", Date(), nullable=True),
    Column("at", UTCDateTime(), nullable=True),
    Column("uuids", UUIDList(), nullable=True),
    Column("name", String(40), nullable=True),
    Column("note", Text(), nullable=True),
    Column("count", Integer(), nullable=True),
    Column("flag", Boolean(), nullable=True),
)
COLUMNS = ("uuid", "day", "at", "uuids", "name", "note", "count", "flag")

ROWS: list[tuple[Any, ...]] = [
    (
        uuid4(),
        date(2026, 12, 1),
        datetime(2026, 11, 23, 7, 0, 0, 123456, tzinfo=UTC),
        (UUID(int=2), UUID(int=1)),
        "a",
        "æøå",
        7,
        True,
    ),
    (None, None, None, None, None, None, None, None),
    (uuid4(), date(1, 1, 1), datetime(9999, 12, 31, tzinfo=UTC), [UUID(int=3)], "", "", 0, False),
]


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_every_column_of_ours_can_be_planned_and_passes_null_through(dialect: Dialect) -> None:
    for table in [*mo_metadata.sorted_tables, PROBE]:
        columns = [c.name for c in table.columns if not (c.primary_key and c.autoincrement is True)]
        plan = plan_insert(dialect, table, columns)
        assert plan.columns == tuple(columns)
        assert "RETURNING" not in plan.sql
        for column, process in zip(columns, plan.processors, strict=True):
            assert process is None or process(None) is None, f"{table.name}.{column}"


def test_sqlite_takes_an_executemany_of_rows_and_postgresql_one_array_per_column() -> None:
    lite, pg = (plan_insert(dialect, PROBE, COLUMNS) for dialect in DIALECTS)
    assert lite.names is None and not lite.arrays
    assert lite.parameters(ROWS[1:3])[0] == (None,) * len(COLUMNS)
    assert pg.arrays and "unnest(" in pg.sql and "CAST(%(c0)s AS UUID[])" in pg.sql
    assert pg.names is not None
    arrays = pg.parameters(ROWS[1:3])
    assert arrays[pg.names[0]] == [None, ROWS[2][0]]
    assert arrays[pg.names[4]] == [None, ""]


def test_a_plan_is_compiled_once_per_dialect_table_and_columns() -> None:
    dialect = DIALECTS[0]
    assert plan_insert(dialect, PROBE, COLUMNS) is plan_insert(dialect, PROBE, list(COLUMNS))
    assert plan_insert(dialect, PROBE, COLUMNS[:2]) is not plan_insert(dialect, PROBE, COLUMNS)


async def test_insert_rows_stores_what_sqlalchemy_stores(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        async with conn.begin() as transaction:
            await conn.run_sync(probe_metadata.create_all)
            await conn.execute(insert(PROBE), [dict(zip(COLUMNS, row, strict=True)) for row in ROWS])
            await insert_rows(conn, PROBE, COLUMNS, ROWS)
            stored = [tuple(row) for row in await conn.execute(select(*PROBE.c[COLUMNS]).order_by(PROBE.c.id))]
            await transaction.rollback()
    by_sqlalchemy, by_insert_rows = stored[: len(ROWS)], stored[len(ROWS) :]
    assert by_insert_rows == by_sqlalchemy
    assert by_insert_rows[0][3] == (UUID(int=1), UUID(int=2))
    assert by_insert_rows[1] == (None,) * len(COLUMNS)


def test_each_distinct_value_of_a_column_is_processed_once_and_equal_values_of_other_types_apart() -> None:
    table = Table("tagged", MetaData(), Column("id", Integer, primary_key=True), Column("tag", Tagged()))
    plan = plan_insert(DIALECTS[0], table, ["tag"])
    Tagged.calls = 0
    prepared = plan.parameters([(1,), (True,), (1,), (None,), (2,), (2,)])
    assert prepared == [("int:1",), ("bool:True",), ("int:1",), (None,), ("int:2",), ("int:2",)]
    assert Tagged.calls == 3


async def test_insert_rows_with_no_rows_sends_nothing(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await insert_rows(conn, PROBE, COLUMNS, [])  # the table does not exist: a statement would fail
