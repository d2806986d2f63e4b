"""The ASGI application."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from mo import dataclass_cache
from mo.auth.http import Authenticator, Unauthorized
from mo.config import Settings, get_settings
from mo.db.engine import make_engine
from mo.graphapi.schema import get_schema
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


def prepare_schema() -> None:
    """Build the GraphQL schema now, so the first request does not wait for it.

    The collector is paused while the schema's objects are made (it would only
    walk them again and again), and the first time, everything made so far
    (modules and schema, which live as long as the process) is moved out of its
    sight with ``gc.freeze()``, so later collections need not visit it. Ends
    with the collector on: ``mo serve`` turns it off for its imports.
    """
    first = get_schema.cache_info().currsize == 0
    gc.disable()
    try:
        get_schema()
        if first:
            gc.freeze()
            dataclass_cache.save()
    finally:
        gc.enable()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        prepare_schema()
        app.state.engine = make_engine(
            settings.database_url, echo=settings.sql_echo, one_message=settings.pg_one_message
        )
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
