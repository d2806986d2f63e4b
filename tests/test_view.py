"""The request path: validation is cached, the collector pause ends with the request."""

from __future__ import annotations

import asyncio
import gc

import pytest
from strawberry.extensions.validation_cache import _get_validate_cache

from mo.graphapi import planned
from tests.conftest import Client

QUERY = "query Units { org_units { objects { uuid } } }"


async def test_identical_documents_are_validated_once(gql: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """By strawberry's executor (the planned path compiles a document once: tests/test_planned.py)."""
    monkeypatch.setattr(planned, "ENABLED", False)
    cache = _get_validate_cache(256)
    await gql.ok(QUERY)
    before = cache.cache_info()
    for _ in range(3):
        await gql.ok(QUERY)
    after = cache.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 3


async def test_the_garbage_collector_runs_again_after_a_request(gql: Client) -> None:
    """Paused while a request runs, resumed on the event loop's next turn (the answer sent)."""
    assert gc.isenabled()
    await gql.ok(QUERY)
    assert not gc.isenabled()
    await asyncio.sleep(0)
    assert gc.isenabled()
    error = await gql.error("mutation { employee_delete(uuid: \"6d5c6f4f-0000-4000-8000-000000000000\") { uuid } }")
    assert error["extensions"]["code"] == "NOT_FOUND"
    await asyncio.sleep(0)
    assert gc.isenabled()


async def test_a_request_that_starts_before_the_collector_resumes_keeps_it_paused(gql: Client) -> None:
    await gql.ok(QUERY)
    running = asyncio.ensure_future(gql.ok(QUERY))  # starts on the same turn as the resumption
    await asyncio.sleep(0)
    assert not gc.isenabled()  # in flight, or finished with its resumption still to come
    await running
    await asyncio.sleep(0)
    assert gc.isenabled()


async def test_the_audit_log_lists_every_object_type(gql: Client) -> None:
    """Each type's registration type must be in the schema, however modules were imported."""
    from tests.seed import seed

    await seed(gql)
    data = await gql.ok("{ registrations { objects { __typename model } } }")
    kinds = {(o["__typename"], o["model"]) for o in data["registrations"]["objects"]}
    assert {"FacetRegistration", "ClassRegistration", "OrganisationUnitRegistration", "PersonRegistration"} <= {
        name for name, _ in kinds
    }


async def test_a_write_is_seen_by_what_the_request_reads_after_it(gql: Client) -> None:
    """Two aliased updates of one unit, each reading it back: the second sees its own write."""
    from tests.typeseed import UNIT_C, build_world

    await build_world(gql)
    data = await gql.ok(
        "mutation ($a: OrganisationUnitUpdateInput!, $b: OrganisationUnitUpdateInput!) {"
        " a: org_unit_update(input: $a) { current { name ancestors { uuid } } }"
        " b: org_unit_update(input: $b) { current { name ancestors { uuid } } } }",
        {
            "a": {"uuid": UNIT_C, "name": "first", "validity": {"from": "2021-01-01"}},
            "b": {"uuid": UNIT_C, "name": "second", "validity": {"from": "2021-01-01"}, "parent": None},
        },
    )
    assert data["a"]["current"]["name"] == "first"
    assert len(data["a"]["current"]["ancestors"]) == 1
    assert data["b"]["current"] == {"name": "second", "ancestors": []}


def test_answers_are_written_as_starlettes_json_would_write_them() -> None:
    """orjson writes the same compact UTF-8 JSON as ``json.dumps`` with starlette's settings."""
    import json

    from mo.graphapi.view import GraphQLResponse, render

    body = {
        "data": {"persons": {"objects": [{"name": "Søren Ærø", "fraction": 0.5, "n": 3, "ok": True, "x": None}]}},
        "errors": [{"message": "bad \"input\"\n", "path": ["a", 0]}],
    }
    expected = json.dumps(body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode()
    assert render(body) == expected
    response = GraphQLResponse(body)
    assert response.body == expected
    assert response.headers["content-type"] == "application/json"
