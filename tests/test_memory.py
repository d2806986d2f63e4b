"""Memory is given back after large answers, once no request is in flight."""

from __future__ import annotations

import gc
import shutil
import weakref
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import uuid4

import httpx
import pytest
from sqlalchemy import select

from mo.app import create_app
from mo.config import Settings
from mo.db.engine import make_engine
from mo.db.tables import TABLES
from mo.graphapi import view
from mo.memory import release

UNITS = "{ org_units { objects { uuid } } }"
facet = TABLES["facet"]


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_release_collects_unreachable_cycles() -> None:
    gc.disable()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        alive = weakref.ref(a)
        del a, b
        assert alive() is not None
        release()
        assert alive() is None
    finally:
        gc.enable()


async def test_release_empties_the_cache_of_compiled_statements(sqlite_template: Path, tmp_path: Path) -> None:
    """A cached statement keeps the values first bound to it (a 10k page's uuids)."""
    path = tmp_path / "mo.sqlite"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as conn:
            await conn.execute(select(facet.c.uuid).where(facet.c.uuid.in_([uuid4() for _ in range(100)])))
        cache = engine.sync_engine._compiled_cache
        assert cache is not None and len(cache) > 0
        release(engine.sync_engine)
        assert len(cache) == 0
    finally:
        await engine.dispose()


async def post_units(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "mo.sqlite"
    shutil.copy(sqlite_template, path)
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{path}", keycloak_url=None))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://mo") as client:
            response = await client.post("/graphql", json={"query": UNITS})
            assert response.status_code == 200, response.text


async def test_a_large_answer_is_followed_by_a_release(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases: list[None] = []
    monkeypatch.setattr(view, "release", lambda engine: releases.append(None))
    monkeypatch.setattr(view, "LARGE_ANSWER", 1)
    await post_units(sqlite_template, tmp_path)
    assert len(releases) == 1


async def test_a_small_answer_is_not_followed_by_a_release(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases: list[None] = []
    monkeypatch.setattr(view, "release", lambda engine: releases.append(None))
    await post_units(sqlite_template, tmp_path)
    assert releases == []


async def test_the_release_waits_for_the_last_request_in_flight(monkeypatch: pytest.MonkeyPatch) -> None:
    releases: list[None] = []
    monkeypatch.setattr(view, "release", lambda engine: releases.append(None))
    disposed: list[None] = []

    async def dispose() -> None:
        disposed.append(None)

    # release() is replaced
    engine = SimpleNamespace(dialect=SimpleNamespace(name="postgresql"), sync_engine=None, dispose=dispose)
    monkeypatch.setattr(view, "_IN_FLIGHT", 1)
    await view.release_when_idle(engine)  # type: ignore[arg-type]
    assert releases == [] and disposed == [] and view._RELEASE_PENDING
    monkeypatch.setattr(view, "_IN_FLIGHT", 0)
    await view.release_when_idle(engine)  # type: ignore[arg-type]
    assert releases == [None] and disposed == [None] and not view._RELEASE_PENDING


async def test_an_idle_sqlite_pool_is_reopened_on_release(
    sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An idle SQLite connection keeps its page cache; the next request opens a new one."""
    monkeypatch.setattr(view, "release", lambda engine: None)
    path = tmp_path / "mo.sqlite"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as conn:
            await conn.execute(select(facet.c.uuid))
        pool = engine.pool
        assert pool.checkedin() == 1
        await view.release_when_idle(engine)
        assert engine.pool is not pool and engine.pool.checkedin() == 0
        async with engine.connect() as conn:
            assert (await conn.execute(select(facet.c.uuid))).all() == []
    finally:
        await engine.dispose()


@pytest.mark.parametrize("backend_engine", ["postgresql"], indirect=True)
async def test_an_idle_postgresql_pool_is_reopened_on_release(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """libpq keeps a receive buffer as large as the largest result a connection read."""
    monkeypatch.setattr(view, "release", lambda engine: None)
    async with engine.connect() as conn:
        await conn.execute(select(facet.c.uuid))
    pool = engine.pool
    assert pool.checkedin() >= 1
    await view.release_when_idle(engine)
    assert engine.pool is not pool and engine.pool.checkedin() == 0
    async with engine.connect() as conn:
        await conn.execute(select(facet.c.uuid))

