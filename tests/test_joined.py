"""Listings answered from joined statements (mo.graphapi.joined) answer exactly
what the loaders' path and strawberry's own resolvers answer, in fewer statements;
what the joined path does not cover is left to the loaders."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

import mo.graphapi.joined as joined
import mo.graphapi.planned as planned
import mo.graphapi.view as view
from mo.auth.permissions import READ_CPR, all_permissions
from mo.auth.principal import Principal
from mo.config import LOCAL_ADMIN
from mo.graphapi.schema import build_schema
from tests.conftest import Client
from tests.typeseed import (
    C0,
    C1,
    C2,
    C3,
    ENGAGEMENT,
    FACET,
    ITUSER,
    MISSING,
    PERSON_P,
    PERSON_Q,
    PERSON_R,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    UNIT_D,
    W,
    build_world,
    uid,
)

pytestmark = pytest.mark.asyncio


def through_the_executor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listings resolved by strawberry's executor here (``joined.answer``); the same
    plans run past it are ``tests/test_planned.py``'s."""
    monkeypatch.setattr(planned, "ENABLED", False)


@pytest.fixture(autouse=True)
def _executor(monkeypatch: pytest.MonkeyPatch) -> None:
    through_the_executor(monkeypatch)


PLAIN = build_schema(lean=False)

CPR = "0101801234"
PERSON_S, S_AT_B, S_AT_C, FUTURE_ENGAGEMENT, ORPHAN = uid(33), uid(41), uid(42), uid(43), uid(44)
OLD_UNIT, DOOMED_CLASS, PERSON_ADDRESS, UNIT_ADDRESS = uid(24), uid(14), uid(70), uid(71)
PAST, FUTURE = "2005-06-01", "2095-01-01"
BETWEEN = "<a registration time between the world and the later change>"

# fmt: off
MORE: list[tuple[str, str, dict[str, Any]]] = [
    ("Class", "class", {"uuid": DOOMED_CLASS, "user_key": "doomed", "name": "Doomed", "facet_uuid": FACET,
                        "validity": {}}),
    ("OrganisationUnit", "org_unit", {"uuid": OLD_UNIT, "name": "Old", "parent": UNIT_A, "org_unit_type": C0,
                                      "validity": {"from": "2000-01-01", "to": "2009-12-31"}}),
    ("Employee", "employee", {"uuid": PERSON_S, "given_name": "Sia", "surname": "S", "cpr_number": CPR,
                              "nickname_given_name": "Si", "seniority": "2010-05-01"}),
    ("Engagement", "engagement", {"uuid": S_AT_B, "user_key": "s-b", "person": PERSON_S, "org_unit": UNIT_B,
                                  "job_function": C1, "engagement_type": C2, "fraction": 80, **W}),
    ("Engagement", "engagement", {"uuid": S_AT_C, "user_key": "s-c", "person": PERSON_S, "org_unit": UNIT_C,
                                  "job_function": C2, "engagement_type": C0, "primary": C3, "fraction": 20,
                                  "validity": {"from": "2015-01-01", "to": "2039-12-31"}}),
    ("Engagement", "engagement", {"uuid": FUTURE_ENGAGEMENT, "user_key": "later", "person": PERSON_R,
                                  "org_unit": UNIT_D, "job_function": C0, "engagement_type": C0,
                                  "validity": {"from": "2090-01-01"}}),
    ("Engagement", "engagement", {"uuid": ORPHAN, "user_key": "orphan", "person": PERSON_Q, "org_unit": UNIT_D,
                                  "job_function": DOOMED_CLASS, "engagement_type": C0, **W}),
    ("Address", "address", {"uuid": PERSON_ADDRESS, "person": PERSON_P, "value": "per@example.org",
                            "address_type": C3, **W}),
    ("Address", "address", {"uuid": UNIT_ADDRESS, "org_unit": UNIT_A, "value": "A-vej 1", "address_type": C3,
                            "visibility": C1, **W}),
]
# fmt: on

PERSON_PAGE = """
query ($cpr: CPR!) { persons(filter: {cpr_numbers: [$cpr]}) { objects { uuid current {
  given_name surname cpr_number nickname_given_name seniority
  engagements { uuid user_key fraction validity { from to } org_unit { uuid name } job_function { name }
                engagement_type { name } }
} } } }
"""

UNIT_PAGE = """
query ($units: [UUID!]) { org_units(filter: {uuids: $units}) { objects { uuid current {
  name user_key validity { from to } parent { uuid name } unit_type { name } children { uuid name }
  engagements { uuid user_key person { uuid given_name surname } job_function { name } }
} } } }
"""

PAGED = (
    "query ($c: Cursor) { org_units(limit: 1, cursor: $c) { "
    "objects { uuid current { name children { name } } } page_info { next_cursor } } }"
)

#: name -> (document, variables); each is answered by the joined path
HANDLED: dict[str, tuple[str, dict[str, Any]]] = {
    "person page by cpr": (PERSON_PAGE, {"cpr": CPR}),
    "unit page": (UNIT_PAGE, {"units": [UNIT_A, UNIT_B]}),
    "reverse under reverse": (
        "{ org_units { objects { uuid current { name engagements { user_key person { given_name "
        "itusers { user_key itsystem { name } } addresses { value address_type { name } visibility { name } } "
        "} } addresses { value visibility { name } } } } } }",
        {},
    ),
    "past and future": (
        "query ($past: DateTime!, $future: DateTime!) { org_units(filter: {from_date: null, to_date: null}) { "
        "objects { uuid past: current(at: $past) { name parent { name } engagements { user_key } } "
        "future: current(at: $future) { name parent { name children { name } } } current { name } } } }",
        {"past": PAST, "future": FUTURE},
    ),
    "current at a literal day": (
        '{ engagements { objects { uuid current(at: "2021-06-01") { user_key org_unit { name parent { name } } } } } }',
        {},
    ),
    "as known at a registration time": (
        "query ($rt: DateTime) { org_units(filter: {registration_time: $rt}) { objects { uuid "
        "current { name parent { name } children { name } } } } }",
        {"rt": BETWEEN},
    ),
    "current at a registration time": (
        "query ($rt: DateTime) { org_units { objects { uuid "
        "then: current(registration_time: $rt) { name parent { name } } now: current { name parent { name } } } } }",
        {"rt": BETWEEN},
    ),
    "open listing, objects not valid today": (
        "{ engagements(filter: {from_date: null, to_date: null}) { objects { uuid current { "
        "user_key fraction person { given_name } org_unit { name } primary { name } } } } "
        "org_units(filter: {from_date: null, to_date: null}) { objects { uuid current { name children { name } } } } }",
        {},
    ),
    "aliases, typenames and fragments": (
        "{ persons { __typename objects { __typename ... on EmployeeResponse { uuid } current { __typename ...Names "
        "e1: engagements { __typename uuid org_unit { __typename name } } "
        "e2: engagements { user_key job_function { name __typename } ... on Engagement { fraction } } "
        "... on Employee { surname } } } page_info { __typename next_cursor } } }"
        " fragment Names on Employee { given_name nickname_given_name }",
        {},
    ),
    "empty": (
        f'{{ persons(filter: {{uuids: ["{MISSING}"]}}) {{ '
        "objects { uuid current { given_name engagements { uuid } } } page_info { next_cursor } } }",
        {},
    ),
    "nullable forward relations without a target": (
        "{ itusers { objects { uuid current { user_key primary { name } person { given_name } org_unit { name } "
        "itsystem { name } } } } addresses { objects { uuid current { value visibility { name } person { surname } "
        "org_unit { name } engagement { uuid } } } } }",
        {},
    ),
    "computed fields declared as columns": (
        "{ persons { objects { current { name nickname givenname nickname_givenname } } } "
        "addresses { objects { current { name href value } } } classes { objects { current { full_name example } } } }",
        {},
    ),
    "classes of a facet": (
        "{ facets { objects { current { user_key classes { name facet { user_key } } } } } "
        "classes { objects { current { name facet { user_key } parent { name } } } } }",
        {},
    ),
}

#: name -> (document, variables); each is left to the loaders' path
NOT_HANDLED: dict[str, tuple[str, dict[str, Any]]] = {
    "a directive": (
        "query ($more: Boolean!) { persons { objects { uuid current { given_name "
        "engagements @include(if: $more) { user_key } } } } }",
        {"more": True},
    ),
    "validities": ("{ org_units { objects { uuid validities { name parent { name } } } } }", {}),
    "a response field": ("{ persons { objects { current { engagements_response { objects { uuid } } } } } }", {}),
    "a relation with arguments": (
        'query { persons { objects { current { engagements(filter: {user_keys: ["s-b"]}) { uuid } } } } }',
        {},
    ),
    "a computed field": ("{ engagements { objects { current { user_key is_primary } } } }", {}),
}

# The person page of one person with two engagements:
JOINED_PERSON_PAGE = 2  # the person's version, found by the filter; its engagements with units and classes joined
LOADERS_PERSON_PAGE = 5  # the listing, person versions, engagements with their versions, units, classes
# The unit page of two units:
JOINED_UNIT_PAGE = 3  # the units with parent and unit type, found by the filter; the children; the engagements
#                       with person and job function joined


@dataclass
class World:
    client: Client
    between: str
    """A registration time after the world was written, before the later change."""

    def variables(self, variables: dict[str, Any]) -> dict[str, Any]:
        return {k: self.between if v == BETWEEN else v for k, v in variables.items()}


@pytest.fixture
async def world(gql: Client) -> World:
    await build_world(gql, *MORE)
    between = datetime.now(UTC).isoformat()
    # a later change, so that current(at:) and registration_time differ from today's
    await gql.ok(
        "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
        {"i": {"uuid": UNIT_C, "name": "C moved", "validity": {"from": "2021-01-01"}, "parent": UNIT_B}},
    )
    return World(gql, between)


def spy(monkeypatch: pytest.MonkeyPatch, module: Any = joined, name: str = "answer") -> list[Any]:
    """What ``joined.answer`` (or ``name`` of ``module``) returns, call by call."""
    seen: list[Any] = []
    real = getattr(module, name)

    async def recording(*args: Any) -> Any:
        result = real(*args)
        if inspect.isawaitable(result):
            result = await result
        seen.append(result)
        return result

    monkeypatch.setattr(module, name, recording)
    return seen


async def three_ways(
    world: World, monkeypatch: pytest.MonkeyPatch, document: str, variables: dict[str, Any], now: datetime | None = None
) -> tuple[dict[str, Any], list[Any]]:
    """The answer with the joined path, and what ``joined.answer`` returned for it;
    asserts that the loaders' path and the plain schema answer the same."""
    variables = world.variables(variables)
    client = world.client
    seen = spy(monkeypatch)
    answer = await client(document, variables, now)
    taken = list(seen)
    monkeypatch.setattr(joined, "ENABLED", False)
    loaders = await client(document, variables, now)
    assert answer == loaders, "joined path vs loaders"
    # the plain schema declares nothing: even with joined listings on, it never takes them
    monkeypatch.setattr(joined, "ENABLED", True)
    monkeypatch.setattr(view, "get_schema", lambda: PLAIN)
    before = len(seen)
    assert answer == await client(document, variables, now), "joined path vs plain schema"
    assert len(seen) > before and all(result is None for result in seen[before:]), "plain schema took the joined path"
    return answer, taken


@pytest.mark.parametrize("name", list(HANDLED))
async def test_the_joined_path_answers_as_the_others(world: World, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    answer, seen = await three_ways(world, monkeypatch, *HANDLED[name])
    assert "errors" not in answer, answer["errors"]
    assert seen and all(result is not None for result in seen), seen


@pytest.mark.parametrize("name", list(NOT_HANDLED))
async def test_what_it_does_not_cover_is_left_to_the_loaders(
    world: World, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    answer, seen = await three_ways(world, monkeypatch, *NOT_HANDLED[name])
    assert "errors" not in answer, answer["errors"]
    assert seen and all(result is None for result in seen), seen


async def test_the_documents_reach_the_world(world: World) -> None:
    """The comparisons above are not of empty or trivial answers."""

    async def ok(name: str) -> dict[str, Any]:
        document, variables = HANDLED[name]
        return await world.client.ok(document, world.variables(variables))

    [sia] = (await ok("person page by cpr"))["persons"]["objects"]
    assert sia["current"]["cpr_number"] == CPR and sia["current"]["seniority"] == "2010-05-01"
    assert [(e["user_key"], e["org_unit"][0]["name"]) for e in sia["current"]["engagements"]] == [
        ("s-b", "B"),
        ("s-c", "C moved"),
    ]
    a, b = (await ok("unit page"))["org_units"]["objects"]
    assert (a["current"]["parent"], b["current"]["parent"]["uuid"]) == (None, UNIT_A)
    assert {c["name"] for c in a["current"]["children"]} == {"B", "D"}
    assert [e["person"][0]["given_name"] for e in b["current"]["engagements"]] == ["Sia"]
    units = {o["uuid"]: o for o in (await ok("past and future"))["org_units"]["objects"]}
    assert units[OLD_UNIT]["current"] is None and units[OLD_UNIT]["past"]["name"] == "Old"
    assert units[UNIT_C]["past"]["parent"]["name"] == "A" and units[UNIT_C]["future"]["parent"]["name"] == "B"
    known = {o["uuid"]: o["current"] for o in (await ok("as known at a registration time"))["org_units"]["objects"]}
    assert (known[UNIT_C]["name"], known[UNIT_C]["parent"]["name"]) == ("C", "A")
    data = await ok("open listing, objects not valid today")
    engagements = {o["uuid"]: o["current"] for o in data["engagements"]["objects"]}
    assert engagements[FUTURE_ENGAGEMENT] is None and engagements[S_AT_C]["primary"]["name"] == "C3"
    assert engagements[ENGAGEMENT]["primary"] is None
    data = await ok("reverse under reverse")
    [unit_a] = [o["current"] for o in data["org_units"]["objects"] if o["uuid"] == UNIT_A]
    per = unit_a["engagements"][0]["person"][0]
    assert [u["user_key"] for u in per["itusers"]] == ["per", "per2"]
    assert [a["value"] for a in per["addresses"]] == ["per@example.org"]
    data = await ok("nullable forward relations without a target")
    itusers = {o["uuid"]: o["current"] for o in data["itusers"]["objects"]}
    assert (itusers[ITUSER]["primary"], itusers[ITUSER]["org_unit"]) == (None, None)
    addresses = {o["uuid"]: o["current"] for o in data["addresses"]["objects"]}
    assert (addresses[PERSON_ADDRESS]["visibility"], addresses[UNIT_ADDRESS]["visibility"]) == (None, {"name": "C1"})


async def test_pages_follow_the_cursor_alike(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each page is asked of the three paths with the same cursor; a rename between
    pages (after the cursor's registration time) is compared too."""
    first = datetime.now(UTC)
    answer, seen = await three_ways(world, monkeypatch, PAGED, {"c": None}, now=first)
    pages = [answer]
    await world.client.ok(
        "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
        {"i": {"uuid": UNIT_D, "name": "D renamed", "validity": {"from": "2000-01-01"}}},
    )
    while (cursor := pages[-1]["data"]["org_units"]["page_info"]["next_cursor"]) is not None and len(pages) < 10:
        monkeypatch.undo()
        through_the_executor(monkeypatch)
        answer, more = await three_ways(world, monkeypatch, PAGED, {"c": cursor})
        pages.append(answer)
        seen += more
    # the cursor keeps the first page's registration time: D's rename is not seen
    names = [o["current"]["name"] for p in pages for o in p["data"]["org_units"]["objects"]]
    assert names == ["A", "B", "C moved", "D", "Late"]
    assert len(seen) == len(pages) and all(result is not None for result in seen), seen


@pytest.mark.parametrize("read_cpr", [False, True])
async def test_cpr_numbers_are_shown_only_with_read_cpr(
    world: World, monkeypatch: pytest.MonkeyPatch, read_cpr: bool
) -> None:
    permissions = all_permissions() if read_cpr else all_permissions() - {READ_CPR}
    principal = Principal(actor=LOCAL_ADMIN, roles=frozenset(), permissions=permissions)
    document = (
        "query ($u: [UUID!]) { persons(filter: {uuids: $u}) { objects { current { given_name cpr_number "
        "engagements { org_unit { engagements { person { cpr_number } } } } } } } }"
    )

    async def ask() -> dict[str, Any]:
        body, _ = await view.execute(
            world.client.engine, document, {"u": [PERSON_S]}, actor=LOCAL_ADMIN, principal=principal
        )
        assert "errors" not in body, body["errors"]
        return body

    seen = spy(monkeypatch)
    answer = await ask()
    assert seen and seen[0] is not None
    [sia] = answer["data"]["persons"]["objects"]
    shown = CPR if read_cpr else None
    assert sia["current"]["cpr_number"] == shown
    units = [u for e in sia["current"]["engagements"] for u in e["org_unit"]]
    assert {p["cpr_number"] for u in units for e in u["engagements"] for p in e["person"]} == {shown}
    monkeypatch.setattr(joined, "ENABLED", False)
    assert await ask() == answer


async def test_fewer_statements_than_the_loaders(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    client = world.client
    counts: dict[bool, list[int]] = {}
    answers: dict[bool, list[dict[str, Any]]] = {}
    for enabled in (True, False):
        monkeypatch.setattr(joined, "ENABLED", enabled)
        answers[enabled], counts[enabled] = [], []
        for name in ("person page by cpr", "unit page"):
            answers[enabled].append(await client.ok(*HANDLED[name]))
            counts[enabled].append(client.statements)
    assert answers[True] == answers[False]
    assert counts[True] == [JOINED_PERSON_PAGE, JOINED_UNIT_PAGE]
    assert counts[False][0] == LOADERS_PERSON_PAGE
    assert counts[False][1] > JOINED_UNIT_PAGE


#: documents showing the job function of an engagement whose required class
#: ``end_doomed_class`` ends (the engagement ORPHAN, and PERSON_Q's engagements)
DOOMED_DOCUMENTS = (
    f'{{ engagements(filter: {{uuids: ["{ORPHAN}"]}}) {{ '
    "objects { uuid current { user_key job_function { name } } } } }",
    f'{{ persons(filter: {{uuids: ["{PERSON_Q}"]}}) {{ objects {{ current {{ given_name engagements {{ user_key '
    "job_function { name } } } } } }",
)


async def end_doomed_class(world: World) -> None:
    """A required class may end while an engagement still names it (``Ref.EXISTS``)."""
    await world.client.ok(
        "mutation ($i: ClassTerminateInput!) { class_terminate(input: $i) { uuid } }",
        {"i": {"uuid": DOOMED_CLASS, "to": "2015-01-01"}},
    )


async def test_a_required_target_not_valid_that_day_is_left_to_the_loaders(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A required class may end while an engagement still names it (``Ref.EXISTS``)."""
    await end_doomed_class(world)
    for document in DOOMED_DOCUMENTS:
        answer, seen = await three_ways(world, monkeypatch, document, {})
        assert seen == [None], seen
        assert "errors" not in answer and "'orphan'" in repr(answer), answer
        monkeypatch.undo()
        through_the_executor(monkeypatch)
    # the day before, the class is valid and the joined path answers
    document = (
        f'{{ engagements(filter: {{uuids: ["{ORPHAN}"]}}) {{ objects {{ current(at: "2014-06-01") '
        "{ user_key job_function { name } } } } }"
    )
    answer, seen = await three_ways(world, monkeypatch, document, {})
    assert seen != [None] and answer["data"]["engagements"]["objects"][0]["current"]["job_function"]["name"] == "Doomed"


async def test_a_planning_failure_leaves_the_listing_to_the_loaders(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug while planning must not fail requests: it is logged, and the loaders answer."""
    document, variables = HANDLED["person page by cpr"]
    expected = await world.client.ok(document, world.variables(variables))

    def broken(self: Any) -> Any:
        raise RuntimeError("a planning bug")

    monkeypatch.setattr(joined._Builder, "listing", broken)
    monkeypatch.setattr(joined, "_PLANS", {})
    seen = spy(monkeypatch)
    with caplog.at_level("ERROR", logger="mo.graphapi.joined"):
        assert await world.client.ok(document, world.variables(variables)) == expected
    assert seen == [None]
    assert any("a planning bug" in (record.exc_text or str(record.exc_info)) for record in caplog.records)


async def test_a_uuid_only_shown_is_dashed_from_the_stored_text() -> None:
    """On SQLite a uuid column only shown is read unprocessed (``Node.valued``): its
    32 stored hex digits, which ``_shown_uuid`` dashes as ``str(UUID)`` does; other
    spellings, PostgreSQL's ``UUID`` objects and null go the leaf's own way."""
    from graphql import GraphQLNonNull
    from mo.graphapi.schema import get_schema

    uuid_type = get_schema()._schema.type_map["UUID"]
    node = joined.Node("org_unit")
    node.offset = 1
    value = UUID("0a1b2c3d-4e5f-4071-8293-a4b5c6d7e8f9")
    digits = UUID("01234567-8901-4234-8567-890123456789")  # no letter: not "lower case" to str.islower
    shown = joined._shown_uuid(node, 0, joined._leaf(uuid_type))
    for stored in (value.hex, value.hex.upper(), str(value), value, digits.hex, digits):
        assert shown(("key", stored), None) == str(UUID(str(stored))), stored
    assert shown(("key", None), None) is None
    required = joined._shown_uuid(node, 0, joined._leaf(GraphQLNonNull(uuid_type)))
    with pytest.raises(joined.Abort):
        required(("key", None), None)


async def test_only_the_values_a_plan_reads_are_processed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan's statements leave every column an entry only shows as a uuid or only
    tests for null as the driver reads it: on the unit page, SQLite's uuids become
    ``UUID`` objects only where they are keys (the listed units, the rows of their
    children and engagements), and only the unit's own days become dates."""
    from sqlalchemy.dialects import sqlite

    monkeypatch.setattr(planned, "ENABLED", True)
    document, variables = HANDLED["unit page"]
    operation = planned.operation_of(view.get_schema(), document, None)
    assert operation is not None
    [root] = operation.roots
    plan = root.plan
    assert plan is not None
    dialect = sqlite.dialect()
    read: dict[str, list[str]] = {}
    for branch in plan.branches:
        compiled = branch.statement(False, False, False).keyed.compiled(dialect)
        names = [column.name for column in compiled.compiled.statement.selected_columns]
        read[f"{branch.node.model}.{branch.column}"] = [
            names[index] for index, process in enumerate(compiled.results) if process is not None
        ]
    # the unit: its key, its uuid (its children's and engagements' key) and its days; not its
    # parent's uuid (shown) nor its parent's or unit type's reference (tested for null)
    assert read == {
        "org_unit.None": ["c0", "c1", "c2", "c3"],
        "org_unit.parent_uuid": ["c0"],
        "engagement.org_unit_uuid": ["c0"],
    }
    answer = await world.client.ok(document, variables)
    shown = [o["current"]["parent"] for o in answer["org_units"]["objects"]]
    assert shown == [None, {"uuid": UNIT_A, "name": "A"}]
