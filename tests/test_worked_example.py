"""The worked example of the bitemporal contract, through GraphQL."""

from __future__ import annotations

from tests.conftest import Client

CREATE = """
mutation ($input: EmployeeCreateInput!) { employee_create(input: $input) { uuid } }
"""
UPDATE = """
mutation ($input: EmployeeUpdateInput!) { employee_update(input: $input) { uuid } }
"""
VALIDITIES = """
query ($uuid: UUID!, $rt: DateTime) {
  employees(filter: {uuids: [$uuid], registration_time: $rt}) {
    objects { validities(start: null, end: null) { given_name validity { from to } } }
  }
}
"""
CURRENT = """
query ($uuid: UUID!, $at: DateTime) {
  employees(filter: {uuids: [$uuid]}) { objects { current(at: $at) { given_name } } }
}
"""
REGISTRATIONS = """
query ($uuid: UUID!) {
  employees(filter: {uuids: [$uuid]}) {
    objects { registrations { start end actor model uuid validities(start: null, end: null) { given_name } } }
  }
}
"""


def periods(data: dict) -> list[tuple[str, str | None, str | None]]:
    [obj] = data["employees"]["objects"]
    return [
        (
            v["given_name"],
            v["validity"]["from"][:10] if v["validity"]["from"] else None,
            v["validity"]["to"][:10] if v["validity"]["to"] else None,
        )
        for v in obj["validities"]
    ]


async def test_worked_example_holds(gql: Client) -> None:
    created = await gql.ok(CREATE, {"input": {"given_name": "Startasia", "surname": "Ravenoak"}})
    uuid = created["employee_create"]["uuid"]
    await gql.ok(
        UPDATE,
        {"input": {"uuid": uuid, "validity": {"from": "2000-01-01", "to": "2020-01-01"}, "given_name": "Middleton"}},
    )
    registrations = await gql.ok(REGISTRATIONS, {"uuid": uuid})
    between = registrations["employees"]["objects"][0]["registrations"][0]["start"]
    await gql.ok(UPDATE, {"input": {"uuid": uuid, "validity": {"from": "2020-01-01"}, "given_name": "Lastarza"}})

    now = periods(await gql.ok(VALIDITIES, {"uuid": uuid}))
    assert now == [
        ("Startasia", None, "2000-01-01"),
        ("Middleton", "2000-01-01", "2020-01-01"),
        ("Lastarza", "2020-01-01", None),
    ]
    then = periods(await gql.ok(VALIDITIES, {"uuid": uuid, "rt": between}))
    assert then == [
        ("Startasia", None, "2000-01-01"),
        ("Middleton", "2000-01-01", "2020-01-01"),
        ("Startasia", "2020-01-01", None),
    ]


async def test_current_follows_the_date_asked_for(gql: Client) -> None:
    uuid = (await gql.ok(CREATE, {"input": {"given_name": "Startasia", "surname": "Ravenoak"}}))["employee_create"]["uuid"]
    await gql.ok(UPDATE, {"input": {"uuid": uuid, "validity": {"from": "2000-01-01", "to": "2020-01-01"}, "given_name": "Middleton"}})
    for at, expected in [("1995-01-01", "Startasia"), ("2010-06-01T12:00:00+02:00", "Middleton"), ("3921-01-01", "Startasia")]:
        data = await gql.ok(CURRENT, {"uuid": uuid, "at": at})
        assert data["employees"]["objects"][0]["current"]["given_name"] == expected


async def test_registrations_list_newest_first_with_their_state(gql: Client) -> None:
    uuid = (await gql.ok(CREATE, {"input": {"given_name": "A", "surname": "B"}}))["employee_create"]["uuid"]
    await gql.ok(UPDATE, {"input": {"uuid": uuid, "validity": {"from": "2010-01-01"}, "given_name": "C"}})
    [obj] = (await gql.ok(REGISTRATIONS, {"uuid": uuid}))["employees"]["objects"]
    newest, oldest = obj["registrations"]
    assert newest["end"] is None and oldest["end"] == newest["start"]
    assert newest["model"] == "person" and newest["uuid"] == uuid
    assert [v["given_name"] for v in oldest["validities"]] == ["A"]
    assert [v["given_name"] for v in newest["validities"]] == ["A", "C"]
