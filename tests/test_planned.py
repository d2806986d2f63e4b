"""Queries answered past the executor (mo.graphapi.planned) answer exactly what
strawberry's executor answers, errors included; what the planned path does not
cover, or gives up on, is answered by the executor."""

# ruff: noqa: F811 - `world` is the fixture imported from tests.test_joined

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

import mo.graphapi.joined as joined
import mo.graphapi.planned as planned
import mo.graphapi.view as view
from mo.auth.permissions import READ_CPR, all_permissions
from mo.auth.principal import Principal
from mo.config import LOCAL_ADMIN
from mo.graphapi.context import RequestContext
from tests.test_joined import (
    BETWEEN,
    CPR,
    DOOMED_DOCUMENTS,
    HANDLED,
    NOT_HANDLED,
    PAGED,
    PAST,
    S_AT_B,
    UNIT_A,
    UNIT_B,
    World,
    end_doomed_class,
    world,  # noqa: F401 - the fixture
)
from tests.test_joined import spy as spy_on

pytestmark = pytest.mark.asyncio


@contextmanager
def caplog_errors() -> Iterator[list[logging.LogRecord]]:
    """The records of errors ``mo.graphapi.planned`` logs meanwhile."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("mo.graphapi.planned")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def spy(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What ``planned.answer`` returns, call by call (None: the executor answers)."""
    return spy_on(monkeypatch, planned, "answer")


async def both_ways(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    document: str,
    variables: dict[str, Any],
    operation_name: str | None = None,
    principal: Principal | None = None,
    access_log: bool = False,
) -> tuple[dict[str, Any], bool, RequestContext]:
    """The body with the planned path on, whether that path answered it, and the
    request's context; asserts that the executor (with joined listings, and with
    the loaders alone) answers the same body and records the same reads for the
    access log."""
    variables = world.variables(variables)
    engine = world.client.engine
    now = datetime.now(UTC)  # the same for both: a cursor holds it

    async def ask() -> tuple[dict[str, Any], RequestContext]:
        return await view.execute(
            engine,
            document,
            variables,
            operation_name,
            actor=LOCAL_ADMIN,
            now=now,
            principal=principal,
            access_log=access_log,
        )

    seen = spy(monkeypatch)
    with caplog_errors() as errors:
        body, ctx = await ask()
    assert not errors, "the planned path logged an error"
    taken = bool(seen) and seen[-1] is not None
    monkeypatch.setattr(planned, "ENABLED", False)
    expected, executed = await ask()
    monkeypatch.setattr(joined, "ENABLED", False)
    loaded, _ = await ask()
    monkeypatch.setattr(joined, "ENABLED", True)
    monkeypatch.setattr(planned, "ENABLED", True)
    assert body == expected, "planned path vs executor"
    assert body == loaded, "planned path vs the loaders"
    assert ctx.reads == executed.reads, "access log"
    return body, taken, ctx


@pytest.mark.parametrize(
    ("name", "covered"), [(name, True) for name in HANDLED] + [(name, False) for name in NOT_HANDLED]
)
async def test_what_plans_cover_is_answered_past_the_executor_and_the_rest_by_it(
    world: World, monkeypatch: pytest.MonkeyPatch, name: str, covered: bool
) -> None:
    body, taken, _ = await both_ways(world, monkeypatch, *(HANDLED if covered else NOT_HANDLED)[name])
    assert "errors" not in body, body["errors"]
    assert taken is covered


# name -> (document, variables, operation name, answered past the executor, read by prepared statements alone:
# every listing's filter is "a column is one of these values", or about the window)
# fmt: off
OPERATIONS: dict[str, tuple[str, dict[str, Any], str | None, bool, bool]] = {
    "two listings, aliases and __typename": (
        "query ($cpr: CPR!) { __typename p: persons(filter: {cpr_numbers: [$cpr]}) { objects { uuid "
        "current { given_name } } } u: org_units { objects { current { name } } } t: __typename }",
        {"cpr": CPR}, None, True, True,
    ),
    "the operation chosen by name": (
        "query A { org_units { objects { uuid } } } "
        "query B ($u: [UUID!]) { org_units(filter: {uuids: $u}) { objects { current { name } } } }",
        {"u": [UNIT_B]}, "B", True, True,
    ),
    "a variable's default": (
        f'query ($u: [UUID!] = ["{UNIT_A}"]) {{ org_units(filter: {{uuids: $u}}) {{ '
        "objects { current { name } } } }",
        {}, None, True, True,
    ),
    "the same uuid twice": (
        "query ($u: [UUID!]) { org_units(filter: {uuids: $u}) { objects { current { name } } } }",
        {"u": [UNIT_A, UNIT_A]}, None, True, True,
    ),
    "no uuids at all": (
        "query ($u: [UUID!]) { org_units(filter: {uuids: $u}) { objects { current { name } } } }",
        {"u": []}, None, True, True,
    ),
    "user keys and uuids together": (
        'query ($u: [UUID!]) { engagements(filter: {user_keys: ["s-b", "s-c"], uuids: $u}) { objects { uuid '
        "current { user_key person { given_name } } } } }",
        {"u": [S_AT_B]}, None, True, True,
    ),
    "current on the filter's day": (
        "query ($d: DateTime) { org_units(filter: {from_date: $d}) { objects { uuid current(at: $d) { name } } } }",
        {"d": PAST}, None, True, True,
    ),
    "current on another day than the filter's": (
        "query ($d: DateTime) { org_units(filter: {from_date: $d}) { objects { uuid current { name } } } }",
        {"d": PAST}, None, True, True,
    ),
    "as registered at a time": (
        "query ($rt: DateTime) { org_units(filter: {registration_time: $rt}) { objects { current { name } } } }",
        {"rt": BETWEEN}, None, True, True,
    ),
    "a filter on other objects": (
        "query ($u: [UUID!]) { org_units(filter: {parent: {uuids: $u}}) { objects { current { name } } } }",
        {"u": [UNIT_A]}, None, True, False,
    ),
    "a page": (PAGED, {"c": None}, None, True, True),
    "a fragment at the root": (
        "query { ...Units } fragment Units on Query { org_units { objects { uuid } } }", {}, None, False, False,
    ),
    "one key asked twice": (
        "{ org_units { objects { uuid } } org_units { page_info { next_cursor } } }", {}, None, False, False,
    ),
    "introspection": ("{ __schema { queryType { name } } org_units { objects { uuid } } }", {}, None, False, False),
    "a root field that is not a listing": (
        "{ org_units { objects { uuid } } version { mo_version } }", {}, None, False, False,
    ),
}
# fmt: on


@pytest.mark.parametrize("name", list(OPERATIONS))
async def test_operations_answer_as_the_executor(world: World, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    document, variables, operation_name, past, prepared = OPERATIONS[name]
    body, taken, ctx = await both_ways(world, monkeypatch, document, variables, operation_name, access_log=True)
    assert "errors" not in body, body["errors"]
    assert taken is past
    assert ctx.driver_only is prepared, "read on the driver connection when every statement is prepared"


async def test_folded_listings_read_one_statement_per_to_many_level(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    document, variables = HANDLED["person page by cpr"]
    body, taken, ctx = await both_ways(world, monkeypatch, document, variables)
    assert taken and ctx.driver_only
    assert ctx.statements == 2  # the person's version, found by CPR; the engagements with units and classes joined
    assert [p["current"]["given_name"] for p in body["data"]["persons"]["objects"]] == ["Sia"]
    body, taken, ctx = await both_ways(world, monkeypatch, *OPERATIONS["no uuids at all"][:2])
    assert body["data"] == {"org_units": {"objects": []}} and ctx.statements == 0
    # current on the listing's day: the versions found by the filter; on another: the listing, then the versions
    for name, statements in (("current on the filter's day", 1), ("current on another day than the filter's", 2)):
        body, taken, ctx = await both_ways(world, monkeypatch, *OPERATIONS[name][:2])
        assert taken and ctx.driver_only and ctx.statements == statements, name
        assert len(body["data"]["org_units"]["objects"]) > 1


# name -> (document, variables, the caller's permissions); each ends in an error, the executor's
ERRORS: dict[str, tuple[str, dict[str, Any], frozenset[str]]] = {
    "a missing variable": (HANDLED["person page by cpr"][0], {}, all_permissions()),
    "a variable of the wrong type": (HANDLED["unit page"][0], {"units": ["not a uuid"]}, all_permissions()),
    "an unknown field": ("{ org_units { objects { uuid colour } } }", {}, all_permissions()),
    "a syntax error": ("{ org_units { objects { uuid } }", {}, all_permissions()),
    "too deep": (
        "{ org_units { objects { current { " + "parent { " * 20 + "name" + " }" * 20 + " } } } }",
        {},
        all_permissions(),
    ),
    "a bad window": (
        '{ org_units(filter: {from_date: "2020-01-01", to_date: "2019-01-01"}) { objects { uuid } } }',
        {},
        all_permissions(),
    ),
    "a listing the caller may not read": (
        "{ org_units { objects { uuid } } }",
        {},
        all_permissions() - {"read_org_units"},
    ),
    "a CPR number without read_cpr": (HANDLED["person page by cpr"][0], {"cpr": CPR}, all_permissions() - {READ_CPR}),
}


@pytest.mark.parametrize("name", list(ERRORS))
async def test_errors_are_the_executors(world: World, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    document, variables, permissions = ERRORS[name]
    principal = Principal(actor=LOCAL_ADMIN, roles=frozenset(), permissions=permissions)
    body, taken, _ = await both_ways(world, monkeypatch, document, variables, principal=principal)
    assert body.get("errors") and not taken, body


async def test_data_a_plan_gives_up_on_is_answered_by_the_executor(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A required class may end while an engagement still names it: the executor
    then shows the class's latest version."""
    await end_doomed_class(world)
    for document in DOOMED_DOCUMENTS:
        body, taken, _ = await both_ways(world, monkeypatch, document, {})
        assert "errors" not in body and "Doomed" in repr(body) and not taken, body


async def test_a_compiling_failure_is_logged_and_the_executor_answers(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    document = "{ org_units { objects { uuid current { name } } } }"
    expected = await world.client.ok(document)

    def broken(*args: Any) -> Any:
        raise RuntimeError("a compiling bug")

    monkeypatch.setattr(planned, "_roots", broken)
    monkeypatch.setattr(planned, "_OPERATIONS", {})
    seen = spy(monkeypatch)
    with caplog.at_level("ERROR", logger="mo.graphapi.planned"):
        assert await world.client.ok(document) == expected
    assert seen == []
    assert any("a compiling bug" in (record.exc_text or str(record.exc_info)) for record in caplog.records)


async def test_documents_are_compiled_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    document = "query ($u: [UUID!]) { org_units(filter: {uuids: $u}) { objects { current { name } } } }"
    monkeypatch.setattr(planned, "_OPERATIONS", {})
    compiled: list[Any] = []
    real = planned._compile
    monkeypatch.setattr(planned, "_compile", lambda *args: compiled.append(args) or real(*args))
    for units in ([UNIT_A], [UNIT_B], [UNIT_A, UNIT_B]):
        await world.client.ok(document, {"u": units})
    assert len(compiled) == 1
    monkeypatch.setattr(joined, "ENABLED", False)
    assert planned.operation_of(view.get_schema(), document, None) is None


async def test_concurrent_planned_queries_each_read_their_own_snapshot(world: World) -> None:
    """Requests in flight together each take a pooled connection of their own; every
    answer is whole, and the connections all go back."""
    document, variables = HANDLED["unit page"]
    expected = await world.client.ok(document, variables)
    answers = await asyncio.gather(*(world.client.ok(document, variables) for _ in range(20)))
    assert all(answer == expected for answer in answers)
    pool = world.client.engine.sync_engine.pool
    assert pool.checkedout() == 0
