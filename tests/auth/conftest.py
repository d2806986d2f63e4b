"""Fixtures of the auth tests: the stand-in Keycloak, its tokens, the API behind HTTP.

``issuer`` runs for the session; ``tokens`` holds one access token per account,
fetched from its token endpoint with python-keycloak. ``mo`` is the real ASGI
app with ``MO_KEYCLOAK_URL`` pointing at the issuer, its lifespan running, called
through httpx, so every request takes the production path: header, token
validation against the JWKS, permissions, GraphQL, one transaction.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from authkit import ACCOUNTS, MO
from issuer import Issuer
from keycloak import KeycloakOpenID
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.db.engine import make_engine
from tests.conftest import Client


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    issuer = Issuer()
    for account in ACCOUNTS.values():
        issuer.add(account)
    issuer.start()
    try:
        yield issuer
    finally:
        issuer.stop()


@pytest.fixture(scope="session")
async def tokens(issuer: Issuer) -> dict[str, str]:
    """name -> access token: users by password grant through mo-ui, integrations by client credentials."""
    found: dict[str, str] = {}
    for name, account in ACCOUNTS.items():
        if name in ("ad", "fk-org", "role-catalogue"):
            client = KeycloakOpenID(issuer.url + "/", "mo", name, client_secret_key=account.secret)
            response = await client.a_token(grant_type="client_credentials")
        else:
            client = KeycloakOpenID(issuer.url + "/", "mo", "mo-ui")
            response = await client.a_token(account.name, account.secret)
        await client.connection.aclose()
        client.connection._s.close()
        found[name] = response["access_token"]
    return found


@pytest.fixture
async def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """The registry on SQLite only, for the tests whose subject is not the database."""
    path = tmp_path / "mo.sqlite"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    yield engine
    await engine.dispose()


@pytest.fixture
def admin(sqlite_engine: AsyncEngine) -> Client:
    """In-process local admin on the SQLite registry, to set up data."""
    return Client(sqlite_engine)


@pytest.fixture
async def mo(sqlite_engine: AsyncEngine, issuer: Issuer, tokens: dict[str, str]) -> AsyncIterator[MO]:
    async with MO.running(sqlite_engine, issuer, tokens) as api:
        yield api
