"""The lean resolvers and the listing prefetch (mo.graphapi.fast) answer exactly
what strawberry's own resolvers answer, with no more statements."""

from __future__ import annotations

from typing import Any

import pytest

import mo.graphapi.view as view
from mo.graphapi import joined
from mo.graphapi.schema import build_schema
from tests.conftest import Client
from tests.typeseed import (
    ENGAGEMENT,
    ITUSER,
    LATE_ENGAGEMENT,
    LATE_START,
    PERSON_P,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    build_world,
)

pytestmark = pytest.mark.asyncio

UNIT_FIELDS = """
  uuid name user_key type parent_uuid unit_type_uuid
  validity { from to }
  parent { uuid name parent { uuid } }
  parent_response { uuid current { name } validities { name } }
  unit_type { name facet { user_key } }
  children { uuid name }
  children_response { objects { uuid current { name } } page_info { next_cursor } }
  engagements { uuid user_key person { given_name } job_function { name } org_unit { name } }
  engagements_response { objects { uuid validities(start: null, end: null) { user_key validity { from to } } } }
"""

DOCUMENTS: list[tuple[str, dict[str, Any]]] = [
    (f"{{ org_units {{ objects {{ uuid current {{ {UNIT_FIELDS} }} }} page_info {{ next_cursor }} }} }}", {}),
    (
        "query ($at: DateTime!) { org_units(filter: {from_date: null, to_date: null}) { objects { uuid "
        "current(at: $at) { name parent { name } } "
        "validities(start: null, end: null) { name validity { from to } } "
        "objects { name } } } }",
        {"at": LATE_START},
    ),
    (
        "{ persons { objects { uuid current { given_name surname ...P } } } }"
        " fragment P on Employee { engagements { uuid ... on Engagement { org_unit { uuid name } } "
        "job_function { name } engagement_type { name } org_unit_response { current { name } } } "
        "itusers { user_key itsystem { name } engagements { uuid current { user_key } } } "
        "engagements_response { objects { current { user_key person_response { current { surname } } } } } }",
        {},
    ),
    (
        "{ engagements(filter: {from_date: null, to_date: null}) { objects { uuid "
        "a: current { user_key person { given_name } } "
        "b: current(at: \"2021-06-01\") { user_key org_unit { name } } "
        "validities(start: \"2000-01-01\", end: null) { user_key validity { from } } } } }",
        {},
    ),
    (
        "{ itusers { objects { current { user_key engagements_responses { objects { current { user_key } } } "
        "engagements { uuid } person { uuid given_name } itsystem_uuid } } } }",
        {},
    ),
    (
        "{ classes { objects { current { name facet { user_key classes { name } } "
        "facet_response { current { user_key } } } } } }",
        {},
    ),
    (  # __typename, and a field asked twice under one key (merged as graphql-core merges it)
        "{ org_units { __typename objects { __typename uuid current { __typename name } "
        "current { user_key parent { name } } ... on OrganisationUnitResponse { current { parent { uuid } } } } } }",
        {},
    ),
    (  # directives: left to graphql-core
        "query ($more: Boolean!) { persons { objects { uuid current { given_name "
        "engagements @include(if: $more) { user_key } } } } }",
        {"more": True},
    ),
    (  # one field under several nodes, each reading other values of the versions (loaded pruned)
        "{ persons { objects { current { engagements { user_key } } ...E current { given_name } } } }"
        " fragment E on EmployeeResponse { current { engagements { org_unit_uuid job_function_uuid "
        "org_unit { name } } surname } }",
        {},
    ),
    (  # registrations: read ahead for the whole listing
        "{ org_units(filter: {from_date: null, to_date: null}) { objects { uuid "
        "registrations { start end note model uuid registration_id } } } }",
        {},
    ),
    (  # registrations with a filter: each object's own resolver
        "{ org_units(filter: {from_date: null, to_date: null}) { objects { uuid "
        "registrations { start } r: registrations(filter: {start: \"2000-01-01T00:00:00Z\"}) { start } } } }",
        {},
    ),
    (  # a field whose reads are unknown (is_primary) beside declared ones
        "{ engagements { objects { current { user_key is_primary person { given_name name } } } } }",
        {},
    ),
]


@pytest.fixture
async def world(gql: Client) -> Client:
    await build_world(gql)
    # a later change, so that validities and current(at:) differ from today's
    await gql.ok(
        "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
        {"i": {"uuid": UNIT_C, "name": "C moved", "validity": {"from": "2021-01-01"}, "parent": UNIT_B}},
    )
    return gql


@pytest.fixture
def loaders_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listings answered through the loaders' prefetch, not joined statements (``mo.graphapi.joined``)."""
    monkeypatch.setattr(joined, "ENABLED", False)


@pytest.mark.parametrize("joined_listings", [True, False], ids=["joined", "loaders"])
@pytest.mark.parametrize("number", range(len(DOCUMENTS)))
async def test_lean_answers_equal_strawberrys(
    world: Client, monkeypatch: pytest.MonkeyPatch, number: int, joined_listings: bool
) -> None:
    monkeypatch.setattr(joined, "ENABLED", joined_listings)
    document, variables = DOCUMENTS[number]
    lean = await world(document, variables)
    lean_statements = world.statements
    assert "errors" not in lean, lean["errors"]
    monkeypatch.setattr(view, "get_schema", lambda: PLAIN)
    plain = await world(document, variables)
    assert "errors" not in plain, plain["errors"]
    assert lean == plain
    assert lean_statements <= world.statements


async def test_the_documents_reach_the_world(world: Client) -> None:
    """The comparison above is not of empty answers."""
    data = await world.ok(DOCUMENTS[2][0])
    person = next(o for o in data["persons"]["objects"] if o["uuid"] == PERSON_P)
    assert [e["uuid"] for e in person["current"]["engagements"]] == [ENGAGEMENT, LATE_ENGAGEMENT]
    assert person["current"]["engagements"][0]["org_unit"][0]["uuid"] == UNIT_A
    assert [u["user_key"] for u in person["current"]["itusers"]] == ["per", "per2"]
    units = (await world.ok(DOCUMENTS[0][0]))["org_units"]["objects"]
    assert next(u for u in units if u["uuid"] == UNIT_C)["current"]["parent"]["uuid"] == UNIT_B
    data = await world.ok(DOCUMENTS[4][0])
    assert any(o["current"]["user_key"] == "per" for o in data["itusers"]["objects"])
    assert ITUSER


async def test_a_prefetched_page_is_answered_without_per_object_statements(world: Client, loaders_only: None) -> None:
    """Three levels of relations under a listing: one statement per level, as with the loaders."""
    await world.ok("{ persons { objects { current { engagements { org_unit { name } job_function { name } } } } } }")
    lean = world.statements
    await world.ok("{ persons { objects { uuid } } }")
    # persons, engagements (the reverse lookup and their versions in one), units, classes
    assert lean - world.statements == 4


PLAIN = build_schema(lean=False)


async def test_arguments_are_not_reused_across_requests(world: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Field arguments are coerced once per request (mo.graphapi.fast._arguments_once),
    never carried over to the next request of the same document."""
    document = (
        "query ($at: DateTime) { org_units(filter: {from_date: null, to_date: null}) "
        "{ objects { uuid current(at: $at) { name parent { uuid } } } } }"
    )

    def parent_of_c(data: dict[str, Any]) -> Any:
        unit = next(o for o in data["org_units"]["objects"] if o["uuid"] == UNIT_C)
        return unit["current"]["parent"]["uuid"]

    before = await world.ok(document, {"at": "2020-06-01"})
    after = await world.ok(document, {"at": "2022-06-01"})
    assert (parent_of_c(before), parent_of_c(after)) == (UNIT_A, UNIT_B)
    monkeypatch.setattr(view, "get_schema", lambda: PLAIN)
    assert await world.ok(document, {"at": "2022-06-01"}) == after
    assert await world.ok(document, {"at": "2020-06-01"}) == before


async def test_listings_are_completed_by_the_lean_path_unless_they_need_graphql_core(
    world: Client, monkeypatch: pytest.MonkeyPatch, loaders_only: None
) -> None:
    """The lean completion (mo.graphapi.fast.precomplete) takes plain selections and
    leaves directives to graphql-core; both give the answers compared above."""
    from mo.graphapi import fast, query

    outcomes: list[bool] = []

    def recording(info: Any, value: Any) -> Any:
        result = fast.precomplete(info, value)
        outcomes.append(isinstance(result, fast.Precompleted))
        return result

    monkeypatch.setattr(query, "precomplete", recording)
    for number in (0, 2, 6, 9):  # 9: registrations, a type with interfaces (strawberry's is_type_of)
        await world.ok(*DOCUMENTS[number])
    assert outcomes == [True, True, True, True]
    await world.ok(*DOCUMENTS[7])
    assert outcomes[-1] is False


async def test_the_completion_reuses_what_the_prefetch_resolved(
    world: Client, monkeypatch: pytest.MonkeyPatch, loaders_only: None
) -> None:
    """Each relation of each object is resolved once, by the prefetch: the completion
    that follows looks nothing up in the loaders again."""
    import mo.graphapi.fast as fast
    import mo.graphapi.query as query
    from mo.graphapi.loaders import Loader

    peeks = {"prefetch": 0, "complete": 0}
    phase = ["prefetch"]
    real_peek, real_precomplete = Loader.peek, query.precomplete

    def peek(self: Any, key: Any) -> Any:
        peeks[phase[0]] += 1
        return real_peek(self, key)

    def precomplete(info: Any, value: Any) -> Any:
        phase[0] = "complete"
        try:
            result = real_precomplete(info, value)
        finally:
            phase[0] = "prefetch"
        assert type(result) is fast.Precompleted
        return result

    monkeypatch.setattr(Loader, "peek", peek)
    monkeypatch.setattr(query, "precomplete", precomplete)
    data = await world.ok(
        "{ persons { objects { current { given_name engagements { org_unit { name } job_function { name } } } } } }"
    )
    assert any(p["current"]["engagements"] for p in data["persons"]["objects"])
    assert peeks["prefetch"] > 0
    assert peeks["complete"] == 0
