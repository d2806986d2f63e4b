"""The generator's own checks; not part of CI (``testpaths`` is ``tests``).

    .venv/bin/python -m pytest bench/test_generate.py      # BENCH_TEST_SIZE=S for the S dataset

- one seed gives the same rows, ids and registration times every time;
- the PostgreSQL dataset the bench uses (rows copied from SQLite by
  ``copy_to_postgresql``) equals a generation on PostgreSQL through the service
  layer, row for row.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.generate import PG_SERVER, SIZES, copy_to_postgresql, load
from mo.db.engine import make_engine
from mo.db.migrate import upgrade
from mo.db.tables import metadata

SIZE = SIZES[os.environ.get("BENCH_TEST_SIZE", "XS")]
SEED = 7
Dump = dict[str, list[tuple[Any, ...]]]


def _select(table: Any) -> str:
    columns = ", ".join(f'"{c.name}"' for c in table.columns)
    return f'SELECT {columns} FROM "{table.name}" ORDER BY 1, 2, 3'


def _readable(table: Any, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows with encrypted CPR numbers decrypted: encryption uses a fresh nonce each time."""
    names = [c.name for c in table.columns]
    if table.name != "person" or "cpr_hash" not in names:
        return rows
    from mo.security.cpr import decrypt

    i = names.index("cpr_number")
    return [(*row[:i], None if row[i] is None else decrypt(row[i]), *row[i + 1 :]) for row in rows]


async def _sqlite(path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine)
        await load(engine, SIZE, SEED)
    finally:
        await engine.dispose()


def _dump_sqlite(path: Path) -> Dump:
    import sqlite3

    with sqlite3.connect(path) as db:
        return {t.name: _readable(t, db.execute(_select(t)).fetchall()) for t in metadata.sorted_tables}


def _dump_pg(database: str) -> Dump:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as db:
        db.execute("SET TIME ZONE 'UTC'")
        return {
            t.name: _readable(t, db.execute(_select(t)).fetchall())  # type: ignore[arg-type]
            for t in metadata.sorted_tables
        }


async def _fresh_pg(name: str) -> str:
    admin = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await conn.execute(text(f"CREATE DATABASE {name}"))
    await admin.dispose()
    engine = make_engine(f"{PG_SERVER}/{name}")
    await upgrade(engine)
    await engine.dispose()
    return name


async def test_one_seed_gives_the_same_rows(tmp_path: Path) -> None:
    await _sqlite(tmp_path / "a.sqlite")
    await _sqlite(tmp_path / "b.sqlite")
    first, second = _dump_sqlite(tmp_path / "a.sqlite"), _dump_sqlite(tmp_path / "b.sqlite")
    assert sum(len(rows) for rows in first.values()) > 100
    assert first == second


@pytest.mark.postgresql
async def test_the_copy_to_postgresql_equals_the_service_path_on_postgresql(tmp_path: Path) -> None:
    await _sqlite(tmp_path / "source.sqlite")
    copied = await _fresh_pg("mo_bench_test_copy")
    copy_to_postgresql(tmp_path / "source.sqlite", f"postgresql://postgres@127.0.0.1:5432/{copied}")
    written = await _fresh_pg("mo_bench_test_service")
    engine = make_engine(f"{PG_SERVER}/{written}")
    try:
        await load(engine, SIZE, SEED)
    finally:
        await engine.dispose()
    by_copy, by_service = _dump_pg(copied), _dump_pg(written)
    for table in by_service:
        assert by_copy[table] == by_service[table], table
