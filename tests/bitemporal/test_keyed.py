"""``KeyedStatement`` reads and writes exactly what SQLAlchemy's own execution does."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import Column, Integer, MetaData, Table, bindparam, insert, literal_column, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.types import TypeDecorator

from bitemporal.keyed import KeyedStatement
from tests.bitemporal.test_bulk import COLUMNS, PROBE, ROWS, probe_metadata

UUIDS = bindparam("uuids", expanding=True)


class Mutable(TypeDecorator[Any]):
    """Reads every value as a new list, which rows must not share."""

    impl = Integer()
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else [value]


MUTABLE = Table("keyed_probe", MetaData(), Column("id", Integer, primary_key=True), Column("value", Mutable()))


async def test_rows_are_the_values_sqlalchemy_reads_and_each_list_expands(engine: AsyncEngine) -> None:
    wanted = [ROWS[0][0], ROWS[2][0], uuid4()]
    many = ROWS + [(ROWS[0][0], *ROWS[1][1:]), (ROWS[0][0], *ROWS[0][1:])]
    statement = select(*PROBE.c[COLUMNS]).where(PROBE.c.uuid.in_(UUIDS)).order_by(PROBE.c.id)
    async with engine.connect() as conn:
        async with conn.begin() as transaction:
            await conn.run_sync(probe_metadata.create_all)
            await conn.execute(insert(PROBE), [dict(zip(COLUMNS, row, strict=True)) for row in many])
            by_sqlalchemy = [tuple(row) for row in await conn.execute(statement, {"uuids": wanted})]
            keyed = KeyedStatement(statement)
            by_keyed = await keyed.execute(conn, {"uuids": wanted})
            one = await keyed.execute(conn, {"uuids": wanted[1:2]})
            none = await keyed.execute(conn, {"uuids": wanted[2:]})
            await transaction.rollback()
    assert by_keyed == by_sqlalchemy
    assert len(by_keyed) == 4 and [row[:3] for row in one] == [ROWS[2][:3]]
    assert none == []
    assert by_keyed[0][3] == (UUID(int=1), UUID(int=2)) and isinstance(by_keyed[0][1], date)
    if engine.dialect.name == "sqlite":  # uuids are read from text there: each distinct one once
        assert by_keyed[0][0] is by_keyed[2][0] is by_keyed[3][0]


async def test_an_update_binds_its_other_parameters_through_their_types(engine: AsyncEngine) -> None:
    at = datetime(2026, 11, 23, 7, 0, 0, 123456, tzinfo=UTC)
    async with engine.connect() as conn:
        async with conn.begin() as transaction:
            await conn.run_sync(probe_metadata.create_all)
            await conn.execute(insert(PROBE), [dict(zip(COLUMNS, row, strict=True)) for row in ROWS])
            ids = list((await conn.execute(select(PROBE.c.id).order_by(PROBE.c.id))).scalars())
            close = KeyedStatement(
                update(PROBE).where(PROBE.c.id.in_(bindparam("ids", expanding=True))).values(at=bindparam("at"))
            )
            assert await close.execute(conn, {"ids": ids[1:], "at": at}) == []
            stored = list((await conn.execute(select(PROBE.c.at).order_by(PROBE.c.id))).scalars())
            await transaction.rollback()
    assert stored == [ROWS[0][2], at, at]


async def test_mutable_values_are_never_shared_between_rows(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        async with conn.begin() as transaction:
            await conn.run_sync(MUTABLE.metadata.create_all)
            await conn.execute(insert(MUTABLE), [{"value": 7}, {"value": 7}, {"value": None}])
            rows = await KeyedStatement(
                select(MUTABLE.c.value).where(MUTABLE.c.id.in_(bindparam("ids", expanding=True))).order_by(MUTABLE.c.id)
            ).execute(conn, {"ids": [1, 2, 3]})
            await transaction.rollback()
    assert rows == [([7],), ([7],), (None,)]
    assert rows[0][0] is not rows[1][0]


async def test_a_union_of_selects_with_one_list_each_returns_every_part(engine: AsyncEngine) -> None:
    first = select(literal_column("0", Integer).label("part"), PROBE.c.count).where(
        PROBE.c.uuid.in_(bindparam("a", expanding=True))
    )
    second = select(literal_column("1", Integer).label("part"), PROBE.c.count).where(
        PROBE.c.name.in_(bindparam("b", expanding=True))
    )
    async with engine.connect() as conn:
        async with conn.begin() as transaction:
            await conn.run_sync(probe_metadata.create_all)
            await conn.execute(insert(PROBE), [dict(zip(COLUMNS, row, strict=True)) for row in ROWS])
            rows = await KeyedStatement(union_all(first, second)).execute(conn, {"a": [ROWS[0][0]], "b": ["", "zz"]})
            await transaction.rollback()
    assert sorted(rows) == [(0, 7), (1, 0)]
