"""A listing loads only the columns of versions that its document reads
(``mo.graphapi.fast.demand``), and whole versions wherever that is not known.

These are the loaders' statements: listings here are not answered by joined
statements (``mo.graphapi.joined``, which reads only what it shows anyway)."""

from __future__ import annotations

from typing import Any

import pytest

import mo.graphapi.view as view
from mo.graphapi import joined
from graphql import parse
from mo.graphapi.fast import demand
from mo.graphapi.schema import build_schema, get_schema
from tests.conftest import Client
from tests.test_bulk_writes import counting
from tests.test_lean_resolvers import world  # noqa: F401 - the fixture
from tests.typeseed import ENGAGEMENT, PERSON_P

PLAIN = build_schema(lean=False)


@pytest.fixture(autouse=True)
def loaders_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(joined, "ENABLED", False)


def versions_of(sent: list[str], table: str) -> list[str]:
    """The versions statements of ``table`` among ``sent`` (the loaders' order them by uuid and start)."""
    return [s for s in sent if f"FROM {table} " in s and f"ORDER BY {table}.uuid, {table}.valid_from" in s]


def operation(document: str) -> Any:
    return parse(document).definitions[0]


PERSONS = (
    "{ persons { objects { uuid current { given_name engagements { uuid user_key "
    "org_unit { uuid name } job_function { name } } } } } }"
)


@pytest.mark.asyncio
async def test_a_listing_reads_the_columns_its_selection_shows(world: Client, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    with counting(world) as sent:
        lean = await world.ok(PERSONS)
    [engagements] = versions_of(sent, "engagement")
    selected = engagements.split("FROM")[0]
    assert "engagement.user_key" in selected and "engagement.org_unit_uuid" in selected
    assert "engagement.job_function_uuid" in selected
    # (person_uuid is read too: the engagements are found by it, in the same statement)
    for unread in ("extension_1", "fraction", "engagement_type_uuid", "primary_uuid", "leave_uuid"):
        assert f"engagement.{unread}" not in selected, unread
    [persons] = versions_of(sent, "person")
    assert "cpr_number" not in persons and "person.surname" not in persons.split("FROM")[0]
    # the answer is strawberry's own, and not an empty one
    monkeypatch.setattr(view, "get_schema", lambda: PLAIN)
    assert await world.ok(PERSONS) == lean
    person = next(o for o in lean["persons"]["objects"] if o["uuid"] == PERSON_P)
    assert person["current"]["engagements"][0]["uuid"] == ENGAGEMENT
    assert person["current"]["engagements"][0]["org_unit"][0]["name"]


@pytest.mark.asyncio
async def test_a_field_of_unknown_reads_loads_whole_versions(world: Client) -> None:  # noqa: F811
    with counting(world) as sent:
        await world.ok("{ persons { objects { current { engagements { user_key is_primary } } } } }")
    [engagements] = versions_of(sent, "engagement")
    assert "engagement.extension_10" in engagements.split("FROM")[0]


@pytest.mark.asyncio
async def test_a_pruned_prefetch_left_to_graphql_core_sends_no_more_statements(world: Client) -> None:  # noqa: F811
    """A directive makes graphql-core complete the listing; its resolvers read the
    same pruned versions the prefetch loaded, instead of loading whole ones again."""
    document = "query ($x: Boolean!) { persons { objects { current { given_name @include(if: $x) surname } } } }"
    with counting(world) as sent:
        data = await world.ok(document, {"x": True})
    assert len(versions_of(sent, "person")) == 1
    assert all(set(o["current"]) == {"given_name", "surname"} for o in data["persons"]["objects"])


def test_demand_is_by_type_over_the_whole_document() -> None:
    schema = get_schema()._schema
    document = parse(
        "{ persons { objects { current { given_name engagements { user_key } } } } "
        "  engagements { objects { current { org_unit_uuid ...F } } } }"
        " fragment F on Engagement { job_function { name } }"
    )
    reads = demand(schema, document.definitions[0], {d.name.value: d for d in document.definitions[1:]})
    assert reads["Employee"] == {"given_name"}
    assert reads["Engagement"] == {"user_key", "org_unit_uuid", "job_function_uuid"}
    assert reads["Class"] == {"name"}


def test_demand_is_unknown_for_a_type_with_an_undeclared_field() -> None:
    schema = get_schema()._schema
    reads = demand(schema, operation("{ persons { objects { current { given_name name } } } }"), {})
    assert reads["Employee"] is None


def test_demand_counts_fragments_on_interfaces_for_each_type() -> None:
    schema = get_schema()._schema
    document = "{ addresses { objects { current { ... on Address { value } user_key } } } }"
    reads = demand(schema, operation(document), {})
    assert reads["Address"] is not None and {"value", "user_key"} <= reads["Address"]
