"""Reads cost one SQL statement per relation level, whatever the number of rows.

Each query runs twice: on a small organisation, then after more rows are added
at every level. The count must be the expected one both times, so a resolver
that falls back to one query per row (an N+1) fails here. Timings are the
benchmark's business (``python -m bench``), not the tests'.

Listings whose selection ``mo.graphapi.joined`` answers cost one statement per
to-many level instead (the to-one relations joined in, and the listing itself
where its filter is on the versions' own values); each count is checked with
and without it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from mo.graphapi import joined
from tests.conftest import Client
from tests.seed import CLASS, ENGAGEMENT, FACET, PERSON, UNIT, Seed, create, engagement_input, seed

TREE = """
{
  org_units(filter: {parent: null}) {
    objects { current { name children { name children { name } } } }
  }
}
"""

PERSONS = """
{
  persons {
    objects { uuid current { given_name engagements { user_key org_unit { name } job_function { name } } } }
  }
}
"""

UNIT_ENGAGEMENTS = """
query ($uuid: UUID!) {
  org_units(filter: {uuids: [$uuid]}) {
    objects {
      current {
        name
        engagements_response {
          objects { uuid current { user_key person { surname } } validities { validity { from } } }
        }
      }
    }
  }
}
"""

INHERITED_MANAGERS = """
{
  org_units {
    objects { current { name managers(inherit: true) { person { given_name } manager_type { name } } } }
  }
}
"""

MANAGER = "mutation ($input: ManagerCreateInput!) { manager_create(input: $input) { uuid } }"


async def _unit(gql: Client, s: Seed, name: str, parent: str) -> str:
    return await create(gql, UNIT, {"name": name, "parent": parent, "org_unit_type": s.unit_type,
                                    "validity": {"from": "2012-01-01"}})


async def _staff(gql: Client, s: Seed, unit: str, n: int, end: str | None = None) -> None:
    for i in range(n):
        person = await create(gql, PERSON, {"given_name": f"P{i}", "surname": unit[:8]})
        await create(gql, ENGAGEMENT, {**engagement_input(s, unit, "2015-01-01", end), "person": person})


async def _same_count_as_it_grows(
    gql: Client,
    query: str,
    expected: int,
    grow: Callable[[], Awaitable[None]],
    variables: dict | None = None,
    *,
    loaders: int | None = None,
) -> None:
    """``query`` costs ``expected`` statements before and after ``grow``; through the
    loaders alone (``mo.graphapi.joined`` off) ``loaders`` (default: as many)."""
    counts = {True: expected, False: expected if loaders is None else loaders}
    small: dict[bool, dict] = {}
    for enabled, count in counts.items():
        with _joined(enabled):
            small[enabled] = await gql.ok(query, variables)
        assert gql.statements == count, f"{gql.statements} statements on the small organisation (joined: {enabled})"
    assert small[True] == small[False]
    await grow()
    for enabled, count in counts.items():
        with _joined(enabled):
            large = await gql.ok(query, variables)
        assert large != small[enabled]
        assert gql.statements == count, f"{gql.statements} statements after adding rows (joined: {enabled}): per row?"


@contextmanager
def _joined(enabled: bool) -> Iterator[None]:
    saved, joined.ENABLED = joined.ENABLED, enabled
    try:
        yield
    finally:
        joined.ENABLED = saved


async def test_org_tree_with_two_levels_of_children(gql: Client) -> None:
    s = await seed(gql)

    async def grow() -> None:
        for n in range(3):
            child = await _unit(gql, s, f"Område {n}", s.root)
            for m in range(2):
                await _unit(gql, s, f"Afdeling {n}.{m}", child)

    # roots page, root versions, then per level the children with their versions (one statement)
    await _same_count_as_it_grows(gql, TREE, 4, grow)  # joined: the same statements in effect


async def test_persons_with_engagements_units_and_job_functions(gql: Client) -> None:
    s = await seed(gql)
    await _staff(gql, s, s.child, 2)

    async def grow() -> None:
        await _staff(gql, s, s.grandchild, 3, end="2030-01-01")
        await _staff(gql, s, s.root, 2)

    # joined: person versions of the day (the listing folded in), engagements of persons with their units and
    # classes joined; loaders: persons page, person versions, engagements of persons with their versions, units, classes
    await _same_count_as_it_grows(gql, PERSONS, 2, grow, loaders=5)


async def test_a_unit_with_its_engagements_response(gql: Client) -> None:
    s = await seed(gql)
    await _staff(gql, s, s.child, 2)

    async def grow() -> None:
        await _staff(gql, s, s.child, 5)

    # unit page, unit versions, engagements of the unit, engagement versions (current and
    # validities in one batch), persons
    await _same_count_as_it_grows(gql, UNIT_ENGAGEMENTS, 5, grow, {"uuid": s.child})


async def test_as_known_at_a_registration_time_costs_the_same(gql: Client) -> None:
    s = await seed(gql)
    await _staff(gql, s, s.child, 2)
    query = PERSONS.replace("persons {", 'persons(filter: {registration_time: "2100-01-01T00:00:00Z"}) {')

    async def grow() -> None:
        await _staff(gql, s, s.grandchild, 4, end="2030-01-01")

    await _same_count_as_it_grows(gql, query, 2, grow, loaders=5)


async def _seed_with_a_manager_at_the_root(gql: Client) -> Seed:
    s = await seed(gql)
    facet = await create(gql, FACET, {"user_key": "manager_type", "validity": {}})
    kind = await create(gql, CLASS, {"user_key": "boss", "name": "Chef", "facet_uuid": facet, "validity": {}})
    await create(gql, MANAGER, {"person": s.person, "org_unit": s.root, "responsibility": [], "manager_level": kind,
                                "manager_type": kind, "validity": {"from": "2015-01-01"}})
    return s


async def test_inherited_managers_cost_the_same_whatever_the_depth(gql: Client) -> None:
    s = await _seed_with_a_manager_at_the_root(gql)

    async def grow() -> None:
        parent = s.child
        for depth in range(4):
            parent = await _unit(gql, s, f"Niveau {depth}", parent)

    # units page, unit versions, the units above them (one recursive statement), manager
    # roles of every unit on the way, their versions, then persons and manager types
    await _same_count_as_it_grows(gql, INHERITED_MANAGERS, 7, grow)


ROOT_INHERITED_MANAGERS = """
query ($units: [UUID!]) {
  managers(filter: {org_units: $units}, inherit: true) { objects { current { person { given_name } } } }
}
"""


async def test_the_root_managers_walk_for_many_units_together(gql: Client) -> None:
    """``managers(inherit: true)`` for several units walks up for all of them in the same statements."""
    s = await _seed_with_a_manager_at_the_root(gql)
    leaves = [await _unit(gql, s, f"Blad {n}", s.child) for n in range(3)]
    await gql.ok(ROOT_INHERITED_MANAGERS, {"units": leaves[:1]})
    one = gql.statements
    data = await gql.ok(ROOT_INHERITED_MANAGERS, {"units": leaves})
    assert [o["current"]["person"][0]["given_name"] for o in data["managers"]["objects"]] != []
    assert gql.statements == one, f"{gql.statements} statements for three units, {one} for one"


REGISTRATIONS = "{ org_units { objects { uuid registrations { start end note } } } }"


async def test_the_registrations_of_a_listing_cost_one_statement(gql: Client) -> None:
    s = await seed(gql)

    async def grow() -> None:
        for n in range(3):
            await _unit(gql, s, f"Ny {n}", s.root)

    # units page, the registrations of every unit on it
    await _same_count_as_it_grows(gql, REGISTRATIONS, 2, grow)
