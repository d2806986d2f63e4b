"""Every write of OS2mo's LDAP import/export client (``mutation.graphql``), with its effect checked.

Each operation is sent as the client sends it; what it wrote is then read back
(validity ``to`` is exclusive here). The writes run on the real clock and make
objects of their own, so the seeded world they share stays as the others expect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from ldap_world import NOW, Coverage, Operations, World, open_backend, open_world, span, uuid_of
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import BACKENDS

OPS = Operations("mutation.graphql")
covers = Coverage(OPS)


@pytest.fixture(scope="module", params=BACKENDS)
def ldap_backend(request: pytest.FixtureRequest) -> tuple[str, AsyncEngine]:
    return open_backend(request)


@pytest.fixture(scope="module")
async def world(ldap_backend: tuple[str, AsyncEngine]) -> AsyncIterator[World]:
    async for w in open_world(*ldap_backend):
        yield w


async def write(world: World, name: str, data: dict[str, Any]) -> str:
    """Send mutation ``name`` with ``{"input": data}``; the uuid it answers."""
    result = await world.run(OPS, name, {"input": data}, now=None)
    [answer] = result.values()
    return str(answer["uuid"])


async def refused(world: World, name: str, data: dict[str, Any]) -> str:
    """Send mutation ``name``; it must fail. Its error code."""
    return await world.refuse(OPS, name, {"input": data})


async def history(world: World, collection: str, uuid: str, fields: str, now: datetime = NOW) -> list[dict[str, Any]]:
    """Every version of one object, ``validity`` included."""
    query = f"""
    query ($uuid: UUID!) {{
      {collection}(filter: {{uuids: [$uuid], from_date: null, to_date: null}}) {{
        objects {{ validities {{ {fields} validity {{ from to }} }} }}
      }}
    }}
    """
    data = await world.gql.ok(query, {"uuid": uuid}, now=now)
    objects = data[collection]["objects"]
    assert len(objects) <= 1
    return objects[0]["validities"] if objects else []  # type: ignore[no-any-return]


def test_every_operation_of_the_file_is_tested() -> None:
    assert OPS.names, f"no operations in {OPS.path}"
    assert OPS.names - covers.covered == set(), "operations of mutation.graphql without a test"


@covers("org_create")
async def test_org_create_answers_the_one_organisation(world: World) -> None:
    existing = (await world.gql.ok("{ org { uuid municipality_code } }"))["org"]
    assert existing["municipality_code"] == 999
    assert await write(world, "org_create", {"municipality_code": 101}) == existing["uuid"]
    assert (await world.gql.ok("{ org { uuid municipality_code } }"))["org"] == existing


@covers("facet_create", "class_create", "class_update", "class_terminate")
async def test_facet_and_class_lifecycle(world: World) -> None:
    facet = await write(world, "facet_create", {"user_key": "ldap_test", "validity": {}})
    data = await world.gql.ok(
        "query ($u: UUID!) { facets(filter: {uuids: [$u]}) { objects { current { user_key published } } } }",
        {"u": facet},
    )
    assert data["facets"]["objects"] == [{"current": {"user_key": "ldap_test", "published": "Publiceret"}}]

    uuid = uuid_of("class", 200)
    base = {"uuid": uuid, "user_key": "kode", "facet_uuid": facet}
    assert (
        await write(
            world,
            "class_create",
            {
                **base,
                "name": "Før",
                "scope": "TEXT",
                "parent_uuid": world["udvikler"],
                "validity": {"from": "2020-01-01"},
            },
        )
        == uuid
    )
    # An update replaces the values from its start: what it leaves out is gone there.
    assert (
        await write(
            world,
            "class_update",
            {**base, "name": "Efter", "it_system_uuid": world["omada"], "validity": {"from": "2030-01-01"}},
        )
        == uuid
    )
    assert await write(world, "class_terminate", {"uuid": uuid, "to": "2040-01-01"}) == uuid

    fields = (
        "user_key name scope published parent_response { uuid } it_system_response { uuid } facet_response { uuid }"
    )
    common = {"user_key": "kode", "published": "Publiceret", "facet_response": {"uuid": facet}}
    assert await history(world, "classes", uuid, fields) == [
        {
            **common,
            "name": "Før",
            "scope": "TEXT",
            "parent_response": {"uuid": world["udvikler"]},
            "it_system_response": None,
            "validity": span("2020-01-01", "2030-01-01"),
        },
        {
            **common,
            "name": "Efter",
            "scope": None,
            "parent_response": None,
            "it_system_response": {"uuid": world["omada"]},
            "validity": span("2030-01-01", "2040-01-01"),
        },
    ]
    # The new class is found by the facet's user key (the client's own lookup).
    found = await world.gql.ok('{ classes(filter: {facet: {user_keys: ["ldap_test"]}}) { objects { uuid } } }', now=NOW)
    assert found["classes"]["objects"] == [{"uuid": uuid}]


@covers("class_create")
async def test_class_create_in_a_missing_facet_is_refused(world: World) -> None:
    code = await refused(
        world,
        "class_create",
        {
            "user_key": "x",
            "name": "x",
            "facet_uuid": uuid_of("facet", 999),
            "validity": {},
        },
    )
    assert code == "NOT_FOUND"


@covers("org_unit_create", "org_unit_update", "org_unit_terminate")
async def test_org_unit_lifecycle(world: World) -> None:
    uuid = uuid_of("org_unit", 200)
    assert (
        await write(
            world,
            "org_unit_create",
            {
                "uuid": uuid,
                "name": "Løn",
                "user_key": "loen",
                "parent": world["root"],
                "org_unit_type": world["afdeling"],
                "validity": {"from": "2020-01-01"},
            },
        )
        == uuid
    )
    # Renamed and moved below Borgerservice from 2030; closed from 2045.
    assert (
        await write(
            world,
            "org_unit_update",
            {
                "uuid": uuid,
                "name": "Løn og Personale",
                "parent": world["borger"],
                "validity": {"from": "2030-01-01"},
            },
        )
        == uuid
    )
    assert await write(world, "org_unit_terminate", {"uuid": uuid, "to": "2045-01-01"}) == uuid

    fields = "user_key name parent_response { uuid } unit_type_response { uuid }"
    common = {"user_key": "loen", "unit_type_response": {"uuid": world["afdeling"]}}
    assert await history(world, "org_units", uuid, fields) == [
        {
            **common,
            "name": "Løn",
            "parent_response": {"uuid": world["root"]},
            "validity": span("2020-01-01", "2030-01-01"),
        },
        {
            **common,
            "name": "Løn og Personale",
            "parent_response": {"uuid": world["borger"]},
            "validity": span("2030-01-01", "2045-01-01"),
        },
    ]
    data = await world.gql.ok(
        "query ($u: UUID!) { org_units(filter: {uuids: [$u]}) { objects { current { ancestors { uuid } } } } }",
        {"u": uuid},
        now=NOW,
    )
    assert data["org_units"]["objects"] == [
        {"current": {"ancestors": [{"uuid": world["borger"]}, {"uuid": world["root"]}]}}
    ]


@covers("org_unit_create", "org_unit_update", "org_unit_terminate")
async def test_org_unit_rules(world: World) -> None:
    # A unit below a unit that closed in 2020, open-ended: the parent does not cover it.
    code = await refused(
        world,
        "org_unit_create",
        {
            "name": "Under lukket",
            "parent": world["closed"],
            "org_unit_type": world["afdeling"],
            "validity": {"from": "2010-01-01"},
        },
    )
    assert code == "OUTSIDE_VALIDITY"
    # IT cannot be placed below its own grandchild.
    code = await refused(
        world, "org_unit_update", {"uuid": world["it"], "parent": world["support"], "validity": {"from": "2036-01-01"}}
    )
    assert code == "ORG_UNIT_CYCLE"
    # IT has children and engagements: it cannot close.
    assert await refused(world, "org_unit_terminate", {"uuid": world["it"], "to": "2036-01-01"}) == "HAS_DEPENDENTS"
    names = await history(world, "org_units", world["it"], "name parent_response { uuid }")
    assert [(v["name"], v["validity"]) for v in names] == [
        ("IT", span("2010-01-01", "2030-01-01")),
        ("Digitalisering", span("2030-01-01", None)),
    ]


@covers("person_create")
async def test_person_create(world: World) -> None:
    uuid = uuid_of("person", 200)
    assert (
        await write(
            world,
            "person_create",
            {
                "uuid": uuid,
                "given_name": "Frida",
                "surname": "Frost",
                "cpr_number": "0606064321",
                "user_key": "frida",
            },
        )
        == uuid
    )
    fields = "user_key cpr_number given_name surname nickname_given_name nickname_surname"
    assert await history(world, "employees", uuid, fields) == [
        {
            "user_key": "frida",
            "cpr_number": "0606064321",
            "given_name": "Frida",
            "surname": "Frost",
            "nickname_given_name": None,
            "nickname_surname": None,
            "validity": span(None, None),
        }
    ]
    data = await world.gql.ok('{ employees(filter: {cpr_numbers: ["0606064321"]}) { objects { uuid } } }', now=NOW)
    assert data["employees"]["objects"] == [{"uuid": uuid}]
    # Without a user key the uuid is the key.
    made = await write(world, "person_create", {"given_name": "Gorm", "surname": "Gram"})
    assert [v["user_key"] for v in await history(world, "employees", made, "user_key")] == [made]


@covers("person_create")
async def test_person_create_rules(world: World) -> None:
    assert (
        await refused(world, "person_create", {"given_name": "X", "surname": "Y", "cpr_number": "0303903456"})
        == "CPR_IN_USE"
    )
    # 31 February is not a day.
    assert (
        await refused(world, "person_create", {"given_name": "X", "surname": "Y", "cpr_number": "3102901234"})
        == "INVALID_CPR"
    )
    data = await world.gql.ok('{ employees(filter: {query: "X Y"}) { objects { uuid } } }', now=NOW)
    assert data["employees"]["objects"] == []


ENGAGEMENT_FIELDS = (
    "user_key fraction extension_1 extension_2 person_response { uuid } org_unit_response { uuid } "
    "job_function_response { uuid } engagement_type_response { uuid } primary_response { uuid }"
)


@covers("engagement_create", "engagement_update", "engagement_terminate")
async def test_engagement_lifecycle(world: World) -> None:
    uuid = uuid_of("engagement", 200)
    assert (
        await write(
            world,
            "engagement_create",
            {
                "uuid": uuid,
                "user_key": "2001",
                "person": world["dorte"],
                "org_unit": world["drift"],
                "job_function": world["konsulent"],
                "engagement_type": world["ansat"],
                "primary": world["non_primary"],
                "fraction": 50,
                "extension_1": "x",
                "validity": {"from": "2025-01-01"},
            },
        )
        == uuid
    )
    # From 2030 a developer, and extension_1 cleared; then a future change of unit, finally an end.
    assert (
        await write(
            world,
            "engagement_update",
            {
                "uuid": uuid,
                "job_function": world["udvikler"],
                "extension_1": None,
                "extension_2": "y",
                "validity": {"from": "2030-01-01"},
            },
        )
        == uuid
    )
    assert (
        await write(
            world,
            "engagement_update",
            {
                "uuid": uuid,
                "org_unit": world["support"],
                "validity": {"from": "2036-01-01", "to": "2037-01-01"},
            },
        )
        == uuid
    )
    assert await write(world, "engagement_terminate", {"uuid": uuid, "to": "2038-01-01"}) == uuid

    common = {
        "user_key": "2001",
        "fraction": 50,
        "person_response": {"uuid": world["dorte"]},
        "engagement_type_response": {"uuid": world["ansat"]},
        "primary_response": {"uuid": world["non_primary"]},
    }
    later = {**common, "extension_1": None, "extension_2": "y", "job_function_response": {"uuid": world["udvikler"]}}
    assert await history(world, "engagements", uuid, ENGAGEMENT_FIELDS) == [
        {
            **common,
            "extension_1": "x",
            "extension_2": None,
            "org_unit_response": {"uuid": world["drift"]},
            "job_function_response": {"uuid": world["konsulent"]},
            "validity": span("2025-01-01", "2030-01-01"),
        },
        {**later, "org_unit_response": {"uuid": world["drift"]}, "validity": span("2030-01-01", "2036-01-01")},
        {**later, "org_unit_response": {"uuid": world["support"]}, "validity": span("2036-01-01", "2037-01-01")},
        {**later, "org_unit_response": {"uuid": world["drift"]}, "validity": span("2037-01-01", "2038-01-01")},
    ]
    # Terminate {from, to} removes a gap.
    assert await write(world, "engagement_terminate", {"uuid": uuid, "from": "2031-01-01", "to": "2032-01-01"}) == uuid
    assert [v["validity"] for v in await history(world, "engagements", uuid, "user_key")] == [
        span("2025-01-01", "2030-01-01"),
        span("2030-01-01", "2031-01-01"),
        span("2032-01-01", "2036-01-01"),
        span("2036-01-01", "2037-01-01"),
        span("2037-01-01", "2038-01-01"),
    ]


@covers("engagement_create", "engagement_update")
async def test_engagement_rules(world: World) -> None:
    # Lukket closed in 2020: an open-ended engagement there from 2019 is refused.
    code = await refused(
        world,
        "engagement_create",
        {
            "person": world["dorte"],
            "org_unit": world["closed"],
            "job_function": world["konsulent"],
            "engagement_type": world["ansat"],
            "validity": {"from": "2019-01-01"},
        },
    )
    assert code == "OUTSIDE_VALIDITY"
    code = await refused(
        world,
        "engagement_update",
        {"uuid": world["e_carl"], "org_unit": world["closed"], "validity": {"from": "2025-01-01"}},
    )
    assert code == "OUTSIDE_VALIDITY"
    code = await refused(
        world,
        "engagement_update",
        {"uuid": uuid_of("engagement", 999), "user_key": "x", "validity": {"from": "2025-01-01"}},
    )
    assert code == "NOT_FOUND"
    # Nothing of the refused writes is left.
    assert [v["validity"] for v in await history(world, "engagements", world["e_carl"], "user_key")] == [
        span("2020-01-01", "2030-01-01"),
        span("2030-01-01", "2040-01-01"),
        span("2040-01-01", None),
    ]


@covers("itsystem_create", "itsystem_update", "itsystem_terminate")
async def test_itsystem_lifecycle(world: World) -> None:
    uuid = uuid_of("itsystem", 200)
    assert (
        await write(world, "itsystem_create", {"uuid": uuid, "user_key": "FK", "name": "FK Org", "validity": {}})
        == uuid
    )
    assert (
        await write(
            world,
            "itsystem_update",
            {"uuid": uuid, "name": "Fælleskommunalt Organisationssystem", "validity": {"from": "2030-01-01"}},
        )
        == uuid
    )
    assert await write(world, "itsystem_terminate", {"uuid": uuid, "to": "2040-01-01"}) == uuid
    assert await history(world, "itsystems", uuid, "user_key name") == [
        {"user_key": "FK", "name": "FK Org", "validity": span(None, "2030-01-01")},
        {"user_key": "FK", "name": "Fælleskommunalt Organisationssystem", "validity": span("2030-01-01", "2040-01-01")},
    ]
    data = await world.gql.ok('{ itsystems(filter: {user_keys: ["FK"]}) { objects { uuid } } }', now=NOW)
    assert data["itsystems"]["objects"] == [{"uuid": uuid}]
    data = await world.gql.ok(
        '{ itsystems(filter: {user_keys: ["FK"], from_date: "2041-01-01"}) { objects { uuid } } }', now=NOW
    )
    assert data["itsystems"]["objects"] == []


ITUSER_FIELDS = "user_key external_id binding_type person_response { uuid } itsystem_response { uuid } engagement_uuids"


@covers("ituser_create", "ituser_update", "ituser_terminate")
async def test_ituser_lifecycle(world: World) -> None:
    uuid = uuid_of("ituser", 200)
    assert (
        await write(
            world,
            "ituser_create",
            {
                "uuid": uuid,
                "user_key": "erik",
                "itsystem": world["omada"],
                "person": world["erik"],
                "engagements": [world["e_erik"]],
                "external_id": "guid-erik",
                "binding_type": "ldap",
                "validity": {"from": "2025-01-01"},
            },
        )
        == uuid
    )
    # The account is renamed from 2030; from 2035 it has no external id and no engagement.
    assert (
        await write(world, "ituser_update", {"uuid": uuid, "user_key": "eer", "validity": {"from": "2030-01-01"}})
        == uuid
    )
    assert (
        await write(
            world,
            "ituser_update",
            {
                "uuid": uuid,
                "external_id": None,
                "engagements": [],
                "validity": {"from": "2035-01-01"},
            },
        )
        == uuid
    )
    assert await write(world, "ituser_terminate", {"uuid": uuid, "to": "2040-01-01"}) == uuid

    common = {
        "binding_type": "ldap",
        "person_response": {"uuid": world["erik"]},
        "itsystem_response": {"uuid": world["omada"]},
    }
    assert await history(world, "itusers", uuid, ITUSER_FIELDS) == [
        {
            **common,
            "user_key": "erik",
            "external_id": "guid-erik",
            "engagement_uuids": [world["e_erik"]],
            "validity": span("2025-01-01", "2030-01-01"),
        },
        {
            **common,
            "user_key": "eer",
            "external_id": "guid-erik",
            "engagement_uuids": [world["e_erik"]],
            "validity": span("2030-01-01", "2035-01-01"),
        },
        {
            **common,
            "user_key": "eer",
            "external_id": None,
            "engagement_uuids": [],
            "validity": span("2035-01-01", "2040-01-01"),
        },
    ]
    # The client finds an account by person and system.
    data = await world.gql.ok(
        "query ($p: UUID!, $s: UUID!) "
        "{ itusers(filter: {employee: {uuids: [$p]}, itsystem: {uuids: [$s]}}) { objects { uuid } } }",
        {"p": world["erik"], "s": world["omada"]},
        now=NOW,
    )
    assert data["itusers"]["objects"] == [{"uuid": uuid}]


@covers("ituser_create")
async def test_ituser_create_rules(world: World) -> None:
    # Omada starts in 2019: an account from 2015 is outside the system's validity.
    code = await refused(
        world,
        "ituser_create",
        {
            "user_key": "too-early",
            "itsystem": world["omada"],
            "person": world["erik"],
            "validity": {"from": "2015-01-01"},
        },
    )
    assert code == "OUTSIDE_VALIDITY"


ADDRESS_FIELDS = (
    "user_key value value2 address_type_response { uuid } visibility_response { uuid } person_response { uuid } "
    "org_unit_response { uuid } engagement_response { uuid } ituser_response { uuid }"
)


@covers("address_create", "address_update", "address_terminate")
async def test_address_lifecycle(world: World) -> None:
    uuid = uuid_of("address", 200)
    assert (
        await write(
            world,
            "address_create",
            {
                "uuid": uuid,
                "user_key": "erik-mail",
                "value": "erik@kommune.dk",
                "address_type": world["email_employee"],
                "person": world["erik"],
                "engagement": world["e_erik"],
                "visibility": world["public"],
                "validity": {"from": "2025-01-01"},
            },
        )
        == uuid
    )
    assert (
        await write(
            world,
            "address_update",
            {
                "uuid": uuid,
                "value": "erik.eriksen@kommune.dk",
                "visibility": world["secret"],
                "validity": {"from": "2030-01-01"},
            },
        )
        == uuid
    )
    assert await write(world, "address_terminate", {"uuid": uuid, "to": "2036-01-01"}) == uuid

    common = {
        "user_key": "erik-mail",
        "value2": None,
        "address_type_response": {"uuid": world["email_employee"]},
        "person_response": {"uuid": world["erik"]},
        "org_unit_response": None,
        "engagement_response": {"uuid": world["e_erik"]},
        "ituser_response": None,
    }
    assert await history(world, "addresses", uuid, ADDRESS_FIELDS) == [
        {
            **common,
            "value": "erik@kommune.dk",
            "visibility_response": {"uuid": world["public"]},
            "validity": span("2025-01-01", "2030-01-01"),
        },
        {
            **common,
            "value": "erik.eriksen@kommune.dk",
            "visibility_response": {"uuid": world["secret"]},
            "validity": span("2030-01-01", "2036-01-01"),
        },
    ]
    # A unit's address, with two values.
    unit_address = await write(
        world,
        "address_create",
        {
            "value": "Rådhuspladsen 1",
            "value2": "1550 København V",
            "address_type": world["email_unit"],
            "org_unit": world["borger"],
            "validity": {"from": "2025-01-01"},
        },
    )
    [version] = await history(
        world, "addresses", unit_address, "user_key value value2 org_unit_response { uuid } person_response { uuid }"
    )
    assert version == {
        "user_key": unit_address,
        "value": "Rådhuspladsen 1",
        "value2": "1550 København V",
        "org_unit_response": {"uuid": world["borger"]},
        "person_response": None,
        "validity": span("2025-01-01", None),
    }


@covers("address_create", "address_terminate")
async def test_address_rules(world: World) -> None:
    code = await refused(
        world,
        "address_create",
        {
            "value": "x@y.dk",
            "address_type": uuid_of("class", 999),
            "person": world["erik"],
            "validity": {"from": "2025-01-01"},
        },
    )
    assert code == "NOT_FOUND"
    assert (
        await refused(world, "address_terminate", {"uuid": world["a_carl_email"], "to": "2020-13-01"}) == "INVALID_DATE"
    )
    # Validity is whole days: an end that is not a local midnight is refused.
    code = await refused(world, "address_terminate", {"uuid": world["a_carl_email"], "to": "2036-01-01T10:00:00+01:00"})
    assert code == "INVALID_DATE"
    assert [v["validity"] for v in await history(world, "addresses", world["a_carl_email"], "value")] == [
        span("2020-01-01", "2030-06-01"),
        span("2030-06-01", None),
    ]
