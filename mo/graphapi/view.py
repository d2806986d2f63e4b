"""The GraphQL HTTP endpoint: one request, one transaction.

A mutation request that ends with any error is rolled back whole and answers
``data: null``, so a client never sees a partly applied request.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from bitemporal import WriteConflict
from graphql import OperationType
from mo.auth import access_log as access_logs
from mo.auth.http import Unauthorized
from mo.auth.principal import Principal
from mo.graphapi import planned
from mo.graphapi.context import RequestContext
from mo.graphapi.errors import cause, format_error
from mo.graphapi.schema import get_schema
from mo.memory import LARGE_ANSWER, release

log = logging.getLogger(__name__)
RETRIES = 3


def render(body: dict[str, Any]) -> bytes:
    """A GraphQL answer as JSON: compact UTF-8, as starlette's ``JSONResponse`` writes
    it, through orjson (a 10k-person page in ~10 ms where ``json.dumps`` takes ~50)."""
    return orjson.dumps(body)


class GraphQLResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return render(content)


def _bad_request(message: str) -> JSONResponse:
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, 400)


async def execute(
    engine: AsyncEngine,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    actor: UUID,
    now: datetime | None = None,
    principal: Principal | None = None,
    access_log: bool = False,
) -> tuple[dict[str, Any], RequestContext]:
    """Run one GraphQL request in its own transaction; returns the JSON body.

    ``principal``: who asks and what it may do (None: ``actor`` with every
    permission, for in-process callers). ``access_log``: record what a read
    request read (``mo.auth.access_log``).
    """
    schema = get_schema()
    with collector_paused():
        return await _execute(schema, engine, query, variables, operation_name, actor, now, principal, access_log)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while any request runs.

    A large answer allocates millions of objects and would set off many full
    collections mid-request, making cost grow with the square of the answer
    (see bench/RESULTS.md). Reference counting still frees almost everything;
    the collector catches up between requests.

    It resumes on the event loop's next turn, not at once: by then the request's
    answer has been serialised and freed, so the young generation the collector
    looks at first is small. Resumed at once, it would first walk the whole live
    answer (a tenth of a second after a 10k-person page, ~0.3 ms after a small one).
    """
    global _IN_FLIGHT
    if _IN_FLIGHT == 0:
        gc.disable()
    _IN_FLIGHT += 1
    try:
        yield
    finally:
        _IN_FLIGHT -= 1
        if _IN_FLIGHT == 0:
            try:
                asyncio.get_running_loop().call_soon(_resume_collector)
            except RuntimeError:  # no loop: nothing else runs, resume now
                gc.enable()


def _resume_collector() -> None:
    if _IN_FLIGHT == 0:
        gc.enable()


_IN_FLIGHT = 0


async def _execute(
    schema: Any,
    engine: AsyncEngine,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    actor: UUID,
    now: datetime | None,
    principal: Principal | None,
    access_log: bool,
) -> tuple[dict[str, Any], RequestContext]:
    operation = planned.operation_of(schema, query, operation_name)
    if operation is not None:
        answered = await _planned(schema, engine, operation, variables, actor, now, principal, access_log)
        if answered is not None:
            return answered
    for attempt in range(RETRIES):
        ctx = RequestContext(engine, now or datetime.now(timezone.utc), actor, principal=principal)
        ctx.log_reads = access_log
        committed = False
        try:
            result = await schema.execute(query, variables, context_value=ctx, operation_name=operation_name)
            errors = result.errors or []
            conflict = any(isinstance(cause(e), WriteConflict) for e in errors)
            # Only needed for errors and the access log; a clean read skips the extra parse.
            is_mutation = ctx.wrote or (bool(errors or access_log) and _is_mutation(schema, query, operation_name))
            committed = not errors
            if conflict and attempt + 1 < RETRIES:
                continue
        finally:
            await ctx.finish(commit=committed)
        if access_log and not is_mutation:
            await access_logs.write(engine, ctx, operation_name or _operation_name(query), ctx.now)
        body: dict[str, Any] = {"data": None if (errors and is_mutation) else result.data}
        if errors:
            body["errors"] = [format_error(e) for e in errors]
        return body, ctx
    raise AssertionError("unreachable")  # pragma: no cover


async def _planned(
    schema: Any,
    engine: AsyncEngine,
    operation: planned.Operation,
    variables: dict[str, Any] | None,
    actor: UUID,
    now: datetime | None,
    principal: Principal | None,
    access_log: bool,
) -> tuple[dict[str, Any], RequestContext] | None:
    """A query answered by ``mo.graphapi.planned`` in its own read transaction, or
    None: then strawberry runs the request from the start (and reports any error)."""
    ctx = RequestContext(engine, now or datetime.now(timezone.utc), actor, principal=principal)
    ctx.log_reads = access_log
    data = None
    try:
        data = await planned.answer(operation, ctx, variables, schema)
    except Exception:  # noqa: BLE001 - strawberry meets it again and reports it
        log.debug("the planned path gave up on a query", exc_info=True)
    finally:
        await ctx.finish(commit=data is not None)
    if data is None:
        return None
    if access_log:
        await access_logs.write(engine, ctx, operation.name, ctx.now)
    return {"data": data}, ctx


def _operation_name(query: str) -> str | None:
    """The name of a document's only operation, if it has one."""
    try:
        from graphql.utilities import get_operation_ast

        from graphql import parse

        operation = get_operation_ast(parse(query))
    except Exception:  # noqa: BLE001 - a syntax error is reported by execute already
        return None
    return operation.name.value if operation is not None and operation.name is not None else None


def _is_mutation(schema: Any, query: str, operation_name: str | None) -> bool:
    try:
        from graphql.utilities import get_operation_ast

        from graphql import parse

        operation = get_operation_ast(parse(query), operation_name)
    except Exception:  # noqa: BLE001 - a syntax error is reported by execute already
        return False
    return operation is not None and operation.operation == OperationType.MUTATION


@lru_cache(maxsize=1)
def graphiql_page() -> str:
    """The GraphiQL page; its module is imported on the first GET only."""
    from strawberry.http.ides import get_graphql_ide_html

    return get_graphql_ide_html(graphql_ide="graphiql")


async def graphql_endpoint(request: Request) -> Response:
    """GraphiQL (GET, public: it holds no data) and GraphQL (POST, authenticated)."""
    if request.method == "GET":
        return HTMLResponse(graphiql_page())
    state = request.app.state
    try:
        principal = await state.auth.authenticate(request)
    except Unauthorized as refused:
        return state.auth.refusal(refused)  # type: ignore[no-any-return]
    try:
        payload = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _bad_request("the body must be JSON: {\"query\": ..., \"variables\": {...}}")
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return _bad_request("the body must be a JSON object with a `query` string")
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return _bad_request("`variables` must be a JSON object")
    body, _ = await execute(
        state.engine,
        payload["query"],
        variables,
        payload.get("operationName"),
        actor=principal.actor,
        principal=principal,
        access_log=state.settings.access_log,
    )
    response = GraphQLResponse(body)
    if len(response.body) >= LARGE_ANSWER or _RELEASE_PENDING:
        response.background = BackgroundTask(release_when_idle, state.engine)
    return response


async def release_when_idle(engine: AsyncEngine) -> None:
    """Give the memory of large answers back (``mo.memory.release``) once no
    request is in flight; while one is, the last to finish does it."""
    global _RELEASE_PENDING
    if _IN_FLIGHT:
        _RELEASE_PENDING = True
        return
    _RELEASE_PENDING = False
    # An idle connection keeps what the large answer made it hold: SQLite its page
    # cache and prepared statements (~10 MiB after a 10k page with L), libpq a
    # receive buffer as large as the largest result. Reopening one takes a few
    # milliseconds, once, after an idle moment.
    await engine.dispose()
    release(engine.sync_engine)


_RELEASE_PENDING = False
