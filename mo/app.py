"""The ASGI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mo.auth.http import Authenticator, Unauthorized
from mo.config import Settings, get_settings
from mo.db.engine import make_engine
from mo.graphapi.view import graphql_endpoint


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def metrics(request: Request) -> Response:
    """Prometheus metrics; with an identity provider they need ``read_metrics``."""
    from mo.auth.permissions import READ_METRICS
    from mo.events.metrics import CONTENT_TYPE, exposition

    auth: Authenticator = request.app.state.auth
    try:
        principal = await auth.authenticate(request)
    except Unauthorized as refused:
        return auth.refusal(refused)
    if not principal.can(READ_METRICS):
        return JSONResponse({"error": "forbidden", "reason": f"/metrics needs the permission {READ_METRICS!r}"}, 403)
    return Response(await exposition(request.app.state.engine), media_type=CONTENT_TYPE)


async def index(request: Request) -> Response:
    return RedirectResponse("/graphql")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.engine = make_engine(settings.database_url, echo=settings.sql_echo)
        app.state.settings = settings
        app.state.auth = Authenticator(settings)
        try:
            yield
        finally:
            await app.state.auth.close()
            await app.state.engine.dispose()

    return Starlette(
        routes=[
            Route("/", index),
            Route("/graphql", graphql_endpoint, methods=["GET", "POST"]),
            Route("/graphql/v29", graphql_endpoint, methods=["GET", "POST"]),
            Route("/health/live", health),
            Route("/metrics", metrics),
        ],
        lifespan=lifespan,
    )
