"""The accounts of the stand-in realm, and the API as an HTTP client sees it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from issuer import Account, Issuer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.app import create_app
from mo.config import Settings

#: One account per realm role (users log in through mo-ui; integrations are clients).
ACCOUNTS: dict[str, Account] = {
    a.name: a
    for a in (
        Account("admin", ("admin",)),
        Account("reader", ("reader",)),
        Account("owner", ("owner",)),
        Account("hr", ("hr",)),
        Account("manager", ("manager",)),
        Account("monitoring", ("monitoring",)),
        Account("nobody", ("offline_access", "uma_authorization")),
        Account("ad", ("service-ad",), secret="ad-secret"),
        Account("fk-org", ("service-fk-org",), secret="fk-org-secret"),
        Account("role-catalogue", ("service-role-catalogue",), secret="role-catalogue-secret"),
    )
}


class MO:
    """The app with MO_KEYCLOAK_URL set, its lifespan running, reached over httpx."""

    def __init__(
        self, app: Any, client: httpx.AsyncClient, engine: AsyncEngine, issuer: Issuer, tokens: dict[str, str]
    ):
        self.app = app
        self.client = client
        self.engine = engine
        self.issuer = issuer
        self.tokens = tokens

    @classmethod
    @asynccontextmanager
    async def running(
        cls, engine: AsyncEngine, issuer: Issuer, tokens: dict[str, str], **settings: Any
    ) -> AsyncIterator[MO]:
        app = create_app(
            Settings(database_url=engine.url.render_as_string(hide_password=False), keycloak_url=issuer.url, **settings)
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mo") as client:
                yield cls(app, client, engine, issuer, tokens)

    @property
    def validator(self) -> Any:
        return self.app.state.auth.validator

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None, who: str | None = None
    ) -> httpx.Response:
        headers = {}
        if who is not None:
            token = self.tokens[who]
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def gql(self, who: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.post(query, variables, who=who)
        assert response.status_code == 200, response.text
        body = response.json()
        assert isinstance(body, dict)
        return body

    async def ok(self, who: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.gql(who, query, variables)
        assert "errors" not in body, body["errors"]
        data = body["data"]
        assert isinstance(data, dict)
        return data

    async def forbidden(self, who: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.gql(who, query, variables)
        assert body.get("errors"), f"{who} was allowed: {body}"
        error = body["errors"][0]
        assert error["extensions"]["code"] == "FORBIDDEN", error
        return error

    async def count(self, table: str = "registration") -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
