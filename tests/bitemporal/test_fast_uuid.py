"""FastUuid reads what SQLAlchemy's Uuid reads, on SQLite's hex text."""

from __future__ import annotations

from uuid import UUID, uuid4

from sqlalchemy import Column, MetaData, Table, create_engine, insert, select, text

from bitemporal.columns import FastUuid


def test_fast_uuid_reads_hex_and_other_spellings_as_uuid_does() -> None:
    table = Table("t", MetaData(), Column("u", FastUuid()))
    engine = create_engine("sqlite://")
    values = [uuid4() for _ in range(50)] + [UUID(int=0), UUID(int=2**128 - 1)]
    with engine.begin() as conn:
        table.metadata.create_all(conn)
        conn.execute(insert(table), [{"u": value} for value in values])
        dashed = uuid4()
        conn.execute(text("INSERT INTO t (u) VALUES (:u)"), {"u": str(dashed)})  # written by hand, with dashes
        conn.execute(text("INSERT INTO t (u) VALUES (NULL)"))
        read = [row.u for row in conn.execute(select(table.c.u))]
    assert read == [*values, dashed, None]
    assert all(type(value) is UUID for value in read[:-1])
    assert [hash(value) for value in read[:-1]] == [hash(value) for value in [*values, dashed]]
    assert {read[0]: 1}[values[0]] == 1
    assert str(read[0]) == str(values[0]) and read[0].version == values[0].version
