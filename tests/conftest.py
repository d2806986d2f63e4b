"""Fixtures: every registry test runs on SQLite and on PostgreSQL.

SQLite: one migrated template file per session, copied for each test.
PostgreSQL: one migrated database per session, emptied between tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from mo import dataclass_cache

# The suite's classes are made through the dataclass cache, as `mo serve` makes them
# (in memory only: the tests write no cache file).
dataclass_cache.install(None)

from sqlalchemy import text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine  # noqa: E402

from mo.config import LOCAL_ADMIN  # noqa: E402
from mo.db.engine import make_engine  # noqa: E402
from mo.db.migrate import upgrade  # noqa: E402
from mo.db.tables import metadata  # noqa: E402
from mo.graphapi.view import execute  # noqa: E402

# A fixed CPR key for the tests, so nothing is generated into var/.
os.environ.setdefault("MO_CPR_KEYS", "test:" + "A" * 43 + "=")

PG_SERVER = os.environ.get("MO_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_DATABASE = f"mo_test_{os.getpid()}"  # one per test session, so parallel runs do not collide
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
async def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()
    return path


@pytest.fixture(scope="session")
async def pg_engine() -> AsyncIterator[AsyncEngine]:
    admin = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
        await conn.execute(text(f"CREATE DATABASE {PG_DATABASE}"))
    await admin.dispose()
    engine = make_engine(f"{PG_SERVER}/{PG_DATABASE}")
    await upgrade(engine)
    yield engine
    await engine.dispose()
    admin = create_async_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)"))
    await admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend_engine(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, AsyncEngine]:
    """Synchronous on purpose: it picks the session fixture of the backend lazily."""
    if request.param == "sqlite":
        path = tmp_path / "mo.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return "sqlite", make_engine(f"sqlite+aiosqlite:///{path}")
    return "postgresql", request.getfixturevalue("pg_engine")


@pytest.fixture
async def engine(backend_engine: tuple[str, AsyncEngine]) -> AsyncIterator[AsyncEngine]:
    backend, engine = backend_engine
    if backend == "postgresql":
        tables = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    if backend == "sqlite":
        await engine.dispose()


class Client:
    """Runs GraphQL documents against the registry, as the local admin."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.statements = 0

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, now: datetime | None = None) -> dict[str, Any]:
        body, ctx = await execute(self.engine, query, variables, actor=LOCAL_ADMIN, now=now)
        self.statements = ctx.statements
        return body

    async def ok(self, query: str, variables: dict[str, Any] | None = None, now: datetime | None = None) -> dict[str, Any]:
        body = await self(query, variables, now)
        assert "errors" not in body, body["errors"]
        data = body["data"]
        assert isinstance(data, dict)
        return data

    async def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        assert body["data"] is None
        error = body["errors"][0]
        assert isinstance(error, dict)
        return error

    async def count(self, table: str = "registration") -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)


@pytest.fixture
def gql(engine: AsyncEngine) -> Client:
    return Client(engine)
