"""The application's start-up: the schema is built before the first request."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from starlette.applications import Starlette

from mo.app import create_app
from mo.config import Settings
from mo.graphapi.schema import get_schema

UNITS = "{ org_units { objects { uuid } } }"
LOOPBACK = ("127.0.0.1", 5555)


def local_settings(sqlite_template: Path, tmp_path: Path) -> Settings:
    path = tmp_path / "mo.sqlite"
    shutil.copy(sqlite_template, path)
    return Settings(database_url=f"sqlite+aiosqlite:///{path}", keycloak_url=None)


@asynccontextmanager
async def started(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """The app after its start-up (lifespan), with a loopback client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=LOOPBACK)
        async with httpx.AsyncClient(transport=transport, base_url="http://mo") as client:
            yield client


async def test_the_schema_is_built_during_start_up_not_on_the_first_request(
    sqlite_template: Path, tmp_path: Path
) -> None:
    get_schema.cache_clear()
    app = create_app(local_settings(sqlite_template, tmp_path))
    assert get_schema.cache_info().currsize == 0
    async with started(app) as client:
        assert get_schema.cache_info().currsize == 1
        built = get_schema()
        assert gc.isenabled()
        response = await client.post("/graphql", json={"query": UNITS})
        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"org_units": {"objects": []}}}
        assert get_schema() is built


async def test_graphiql_is_served_on_get(sqlite_template: Path, tmp_path: Path) -> None:
    async with started(create_app(local_settings(sqlite_template, tmp_path))) as client:
        for path in ("/graphql", "/graphql/v29"):
            response = await client.get(path)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/html")
            assert "graphiql" in response.text.lower()


def test_the_graphiql_page_is_not_imported_at_start_up() -> None:
    """strawberry.http.ides is needed for GET /graphql only (and takes ~0.1 s to import)."""
    code = (
        "import sys; from mo.app import create_app, prepare_schema; create_app(); prepare_schema(); "
        "print('strawberry.http.ides' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
