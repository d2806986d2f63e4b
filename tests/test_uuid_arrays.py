"""A list of uuids bound as one binary ``uuid[]`` parameter (mo.db.uuid_arrays)."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest
from sqlalchemy import any_, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.db.engine import read_transaction, write_transaction
from mo.db.tables import event_namespace
from mo.db.uuid_arrays import UuidArray, dump

ONLY_POSTGRESQL = pytest.mark.parametrize("backend_engine", ["postgresql"], indirect=True)


def test_binary_layout() -> None:
    first, second = UUID(int=1), UUID(int=2**128 - 1)
    dumped = dump([first, second])
    dimensions, no_nulls, element_type = (1).to_bytes(4, "big"), bytes(4), (2950).to_bytes(4, "big")
    header = dimensions + no_nulls + element_type + (2).to_bytes(4, "big") + (1).to_bytes(4, "big")
    item = (16).to_bytes(4, "big")
    assert dumped == header + item + first.bytes + item + second.bytes
    assert dump([]) == bytes(4) + bytes(4) + (2950).to_bytes(4, "big")


@pytest.mark.asyncio
@ONLY_POSTGRESQL
async def test_the_server_reads_the_same_uuids(engine: AsyncEngine) -> None:
    owner = uuid4()
    names = [f"arrays-{n}" for n in range(3)]
    async with write_transaction(engine) as conn:
        await conn.execute(insert(event_namespace), [{"name": n, "owner": owner, "public": False} for n in names])
    wanted = [owner, uuid4(), str(uuid4())]  # a str uuid is accepted too
    statement = select(event_namespace.c.name).where(
        event_namespace.c.owner == any_(bindparam("owners", type_=UuidArray()))
    ).order_by(event_namespace.c.name)
    async with read_transaction(engine) as conn:
        assert list((await conn.execute(statement, {"owners": wanted})).scalars()) == names
        assert list((await conn.execute(statement, {"owners": []})).scalars()) == []
        echoed = (await conn.execute(select(bindparam("u", type_=UuidArray())), {"u": wanted})).scalar()
    assert echoed == [wanted[0], wanted[1], UUID(wanted[2])]
