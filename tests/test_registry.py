"""Reads and writes of the first slice, at several dates and registration times."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.conftest import Client
from tests.seed import ENGAGEMENT, PERSON, create, engagement_input, seed

UNITS = """
query ($filter: OrganisationUnitFilter, $limit: int, $cursor: Cursor) {
  org_units(filter: $filter, limit: $limit, cursor: $cursor) {
    objects { uuid current { name } }
    page_info { next_cursor }
  }
}
"""


def names(data: dict) -> set[str]:
    return {o["current"]["name"] for o in data["org_units"]["objects"] if o["current"]}


async def test_tree_filters_follow_the_os2mo_tables(gql: Client) -> None:
    s = await seed(gql)
    assert names(await gql.ok(UNITS, {"filter": {"parent": None}})) == {"Kommune"}
    assert names(await gql.ok(UNITS, {"filter": {"parent": {}}})) == {"Skoler", "Nordskolen"}
    assert names(await gql.ok(UNITS, {"filter": {"ancestor": {"uuids": [s.child]}}})) == {"Skoler", "Nordskolen"}
    assert names(await gql.ok(UNITS, {"filter": {"descendant": {"uuids": [s.child]}}})) == {"Kommune", "Skoler"}
    assert names(await gql.ok(UNITS, {"filter": {"child": None}})) == {"Nordskolen"}
    assert names(await gql.ok(UNITS, {"filter": {"parents": [s.root]}})) == {"Skoler"}
    assert names(await gql.ok(UNITS, {"filter": {"query": "nord"}})) == {"Nordskolen"}


async def test_collections_see_the_window_asked_for(gql: Client) -> None:
    await seed(gql)
    in_2005 = await gql.ok(UNITS, {"filter": {"from_date": "2005-01-01"}})
    assert {o["uuid"] for o in in_2005["org_units"]["objects"]} and len(in_2005["org_units"]["objects"]) == 1
    all_time = await gql.ok(UNITS, {"filter": {"from_date": None, "to_date": None}})
    assert len(all_time["org_units"]["objects"]) == 3
    future = await gql.ok(UNITS, {"filter": {"from_date": "2031-01-01"}})
    assert len(future["org_units"]["objects"]) == 2


async def test_pages_read_one_registered_state(gql: Client) -> None:
    await seed(gql)
    first = (await gql.ok(UNITS, {"limit": 2}))["org_units"]
    assert len(first["objects"]) == 2 and first["page_info"]["next_cursor"]
    await create(gql, "mutation ($input: OrganisationUnitCreateInput!) { org_unit_create(input: $input) { uuid } }", {
        "uuid": "ffffffff-ffff-4fff-bfff-ffffffffffff", "name": "Later", "org_unit_type": (await seed_type(gql)),
        "validity": {"from": "2000-01-01"},
    })
    rest = (await gql.ok(UNITS, {"limit": 2, "cursor": first["page_info"]["next_cursor"]}))["org_units"]
    assert len(rest["objects"]) == 1 and rest["page_info"]["next_cursor"] is None
    assert not {o["uuid"] for o in rest["objects"]} & {o["uuid"] for o in first["objects"]}


async def seed_type(gql: Client) -> str:
    data = await gql.ok('{ classes(filter: {user_keys: ["dept"]}) { objects { uuid } } }')
    return str(data["classes"]["objects"][0]["uuid"])


async def test_relations_resolve_at_the_time_of_their_parent(gql: Client) -> None:
    s = await seed(gql)
    await gql.ok(
        "mutation ($input: OrganisationUnitUpdateInput!) { org_unit_update(input: $input) { uuid } }",
        {"input": {"uuid": s.child, "name": "Skoleområdet", "validity": {"from": "2020-01-01"}}},
    )
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    query = """
    query ($uuid: UUID!, $at: DateTime) {
      engagements(filter: {uuids: [$uuid], from_date: null, to_date: null}) {
        objects {
          current(at: $at) { org_unit { name } person { given_name } }
          validities { validity { from } org_unit_response { current { name } } org_unit { name } }
        }
      }
    }
    """
    data = await gql.ok(query, {"uuid": engagement, "at": "2016-06-01"})
    [obj] = data["engagements"]["objects"]
    assert obj["current"]["org_unit"] == [{"name": "Skoler"}]
    assert obj["current"]["person"] == [{"given_name": "Anna"}]
    [version] = obj["validities"]
    # The old list field gives the unit as of the version's first day, once, as OS2mo clients expect.
    assert [u["name"] for u in version["org_unit"]] == ["Skoler"]
    assert version["org_unit_response"]["current"]["name"] == "Skoleområdet"


async def test_reads_use_one_statement_per_relation_level(gql: Client) -> None:
    s = await seed(gql)
    for n in range(6):
        person = await create(gql, PERSON, {"given_name": f"P{n}", "surname": "S"})
        await create(gql, ENGAGEMENT, {**engagement_input(s, s.child, "2015-01-01"), "person": person})
    query = """
    {
      org_units {
        objects {
          current {
            name
            engagements_response { objects { current { user_key person { surname } job_function { name } } } }
          }
        }
      }
    }
    """
    data = await gql.ok(query)
    engagements = [
        e for o in data["org_units"]["objects"] for e in o["current"]["engagements_response"]["objects"]
    ]
    assert len(engagements) == 6
    # units page, unit versions, engagements of units, engagement versions, persons, classes
    assert gql.statements == 6


async def test_terminating_a_person_ends_their_engagements_future_ones_too(gql: Client) -> None:
    s = await seed(gql)
    current = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    future = await create(gql, ENGAGEMENT, engagement_input(s, s.root, "2040-01-01"))
    await gql.ok(
        "mutation ($input: EmployeeTerminateInput!) { employee_terminate(input: $input) { uuid } }",
        {"input": {"uuid": s.person, "to": "2030-01-01"}},
    )
    data = await gql.ok(
        """query ($uuids: [UUID!]) { engagements(filter: {uuids: $uuids, from_date: null, to_date: null}) {
             objects { uuid validities { validity { from to } } } } }""",
        {"uuids": [current, future]},
    )
    found = {o["uuid"]: o["validities"] for o in data["engagements"]["objects"]}
    assert list(found) == [current]
    assert found[current][0]["validity"]["to"].startswith("2030-01-01")


async def test_future_dated_change_is_invisible_until_its_day(gql: Client) -> None:
    s = await seed(gql)
    await gql.ok(
        "mutation ($input: OrganisationUnitUpdateInput!) { org_unit_update(input: $input) { uuid } }",
        {"input": {"uuid": s.root, "name": "Ny Kommune", "validity": {"from": "2031-01-01"}}},
    )
    query = '{ org_units(filter: {parent: null}) { objects { current { name } } } }'
    before = await gql.ok(query, now=datetime(2030, 12, 31, 12, tzinfo=timezone.utc))
    after = await gql.ok(query, now=datetime(2031, 1, 1, 12, tzinfo=timezone.utc))
    assert names_of(before) == ["Kommune"] and names_of(after) == ["Ny Kommune"]


def names_of(data: dict) -> list[str]:
    return [o["current"]["name"] for o in data["org_units"]["objects"]]


async def test_delete_hides_the_object_but_keeps_its_history(gql: Client) -> None:
    s = await seed(gql)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    await gql.ok("mutation ($uuid: UUID!) { engagement_delete(uuid: $uuid) { uuid } }", {"uuid": engagement})
    gone = await gql.ok("query ($u: UUID!) { engagements(filter: {uuids: [$u]}) { objects { uuid } } }", {"u": engagement})
    assert gone["engagements"]["objects"] == []
    history = await gql.ok(
        """query ($u: UUID!, $p: UUID!) { employees(filter: {uuids: [$p]}) { objects { uuid } }
           engagements(filter: {uuids: [$u], registration_time: "2000-01-01T00:00:00Z"}) { objects { uuid } } }""",
        {"u": engagement, "p": s.person},
    )
    assert history["engagements"]["objects"] == []


async def test_creating_the_same_object_twice_is_idempotent(gql: Client) -> None:
    await seed(gql)
    data = {"uuid": "11111111-1111-4111-8111-111111111111", "given_name": "Ida", "surname": "Holm"}
    await create(gql, PERSON, data)
    before = await gql.count("registration")
    await create(gql, PERSON, data)
    assert await gql.count("registration") == before
    error = await gql.error(PERSON, {"input": {**data, "surname": "Other"}})
    assert error["extensions"]["code"] == "ALREADY_EXISTS"


async def test_two_mutations_of_one_object_in_one_request_both_apply(gql: Client) -> None:
    s = await seed(gql)
    data = await gql.ok(
        """
        mutation ($a: EmployeeUpdateInput!, $b: EmployeeUpdateInput!) {
          a: employee_update(input: $a) { uuid }
          b: employee_update(input: $b) { current(at: "2030-01-01") { given_name surname } }
        }
        """,
        {
            "a": {"uuid": s.person, "given_name": "Bo", "validity": {"from": "2020-01-01"}},
            "b": {"uuid": s.person, "surname": "Holm", "validity": {"from": "2025-01-01"}},
        },
    )
    assert data["b"]["current"] == {"given_name": "Bo", "surname": "Holm"}


async def test_terminating_a_person_with_vacate_leaves_their_manager_roles_vacant(gql: Client) -> None:
    s = await seed(gql)
    facet = await create(gql, "mutation ($input: FacetCreateInput!) { facet_create(input: $input) { uuid } }", {"user_key": "manager_type", "validity": {}})
    kind = await create(
        gql,
        "mutation ($input: ClassCreateInput!) { class_create(input: $input) { uuid } }",
        {"user_key": "boss", "name": "Chef", "facet_uuid": facet, "validity": {}},
    )
    manager = await create(
        gql,
        "mutation ($input: ManagerCreateInput!) { manager_create(input: $input) { uuid } }",
        {
            "person": s.person, "org_unit": s.child, "responsibility": [], "manager_level": kind, "manager_type": kind,
            "validity": {"from": "2015-01-01"},
        },
    )
    await gql.ok(
        "mutation ($input: EmployeeTerminateInput!) { employee_terminate(input: $input) { uuid } }",
        {"input": {"uuid": s.person, "to": "2030-01-01", "vacate": True}},
    )
    data = await gql.ok(
        """query ($u: UUID!) { managers(filter: {uuids: [$u], from_date: null, to_date: null}) {
             objects { validities { person_response { uuid } validity { from to } } } } }""",
        {"u": manager},
    )
    [obj] = data["managers"]["objects"]
    periods = [(v["person_response"]["uuid"] if v["person_response"] else None, v["validity"]["to"]) for v in obj["validities"]]
    assert periods[0][0] == s.person and periods[0][1].startswith("2030-01-01")
    assert periods[1] == (None, None)
