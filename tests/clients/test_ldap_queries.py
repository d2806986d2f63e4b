"""Every read of OS2mo's LDAP import/export client (``queries.graphql``), answered right.

The operations are loaded from the reference file and sent as they are; the
variables are built from the seed in ``ldap_world``. Reads run at ``NOW``
(2035-06-15) unless a test says otherwise. Validity ``to`` is exclusive here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from ldap_world import CPH, LOCAL_ADMIN, NOW, Coverage, Operations, World, open_backend, open_world, span
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import BACKENDS

OPS = Operations("queries.graphql")
covers = Coverage(OPS)
EARLIER = datetime(2025, 6, 15, 12, 0, tzinfo=CPH)
ALL_TIME = {"from_date": None, "to_date": None}


@pytest.fixture(scope="module", params=BACKENDS)
def ldap_backend(request: pytest.FixtureRequest) -> tuple[str, AsyncEngine]:
    return open_backend(request)


@pytest.fixture(scope="module")
async def world(ldap_backend: tuple[str, AsyncEngine]) -> AsyncIterator[World]:
    async for w in open_world(*ldap_backend):
        yield w


async def run(world: World, name: str, variables: dict[str, Any] | None = None, now: datetime = NOW) -> dict[str, Any]:
    return await world.run(OPS, name, variables, now=now)


def uuids(data: dict[str, Any]) -> list[str]:
    [paged] = data.values()
    return [o["uuid"] for o in paged["objects"]]


def validities(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    [paged] = data.values()
    return [o["validities"] for o in paged["objects"]]


def test_every_operation_of_the_file_is_tested() -> None:
    assert OPS.names, f"no operations in {OPS.path}"
    assert OPS.names - covers.covered == set(), "operations of queries.graphql without a test"


# ---------------------------------------------------------------------------
# Who, facets and classes


@covers("WhoAmI")
async def test_who_am_i_is_the_local_administrator(world: World) -> None:
    assert await run(world, "WhoAmI") == {"me": {"actor": {"uuid": LOCAL_ADMIN}}}


@covers("read_facet_uuid")
async def test_read_facet_uuid(world: World) -> None:
    data = await run(world, "read_facet_uuid", {"filter": {"user_keys": ["engagement_type"]}})
    assert uuids(data) == [world["facet:engagement_type"]]
    data = await run(world, "read_facet_uuid", {"filter": {"user_keys": ["visibility", "role", "nope"]}})
    assert uuids(data) == world.uuids(["facet:visibility", "facet:role"])


@covers("read_class_uuid", "read_class_uuid_by_facet_and_class_user_key", "read_class_name_by_class_uuid")
async def test_class_lookups(world: World) -> None:
    data = await run(world, "read_class_uuid", {"filter": {"user_keys": ["Leder"]}})
    assert uuids(data) == world.uuids(["leder_job", "leder"])
    data = await run(
        world, "read_class_uuid", {"filter": {"facet": {"user_keys": ["manager_type"]}, "user_keys": ["Leder"]}}
    )
    assert uuids(data) == [world["leder"]]
    # A class that ended in 2020 is found only when the window reaches back.
    assert uuids(await run(world, "read_class_uuid", {"filter": {"user_keys": ["Gammel"]}})) == []
    data = await run(world, "read_class_uuid", {"filter": {"user_keys": ["Gammel"], **ALL_TIME}})
    assert uuids(data) == [world["legacy_type"]]
    data = await run(world, "read_class_uuid", {"filter": {"it_system": {"uuids": [world["ad"]]}}})
    assert uuids(data) == world.uuids(["ad_admin", "ad_reader"])

    async def by_keys(facet: str, key: str) -> list[str]:
        variables = {"facet_user_key": facet, "class_user_key": key}
        return uuids(await run(world, "read_class_uuid_by_facet_and_class_user_key", variables))

    assert await by_keys("manager_type", "Leder") == [world["leder"]]
    assert await by_keys("engagement_job_function", "Leder") == [world["leder_job"]]
    assert await by_keys("employee_address_type", "EmailEmployee") == [world["email_employee"]]
    assert await by_keys("visibility", "Leder") == []

    data = await run(world, "read_class_name_by_class_uuid", {"class_uuid": world["senior"]})
    assert data == {"classes": {"objects": [{"current": {"name": "Seniorudvikler"}}]}}
    data = await run(world, "read_class_name_by_class_uuid", {"class_uuid": world["legacy_type"]})
    assert data == {"classes": {"objects": []}}


@covers("read_classes")
async def test_read_classes(world: World) -> None:
    variables = {
        "uuids": [world["ad_reader"], world["senior"], world["legacy_type"], world["email_employee"]],
        **ALL_TIME,
    }
    data = await run(world, "read_classes", variables)
    base = {"scope": None, "owner": None, "published": "Publiceret", "parent": None, "it_system": None}
    expected = {
        world["email_employee"]: [
            {
                **base,
                "uuid": world["email_employee"],
                "user_key": "EmailEmployee",
                "name": "Email",
                "scope": "EMAIL",
                "facet": {"uuid": world["facet:employee_address_type"]},
                "validity": span(None, None),
            }
        ],
        world["legacy_type"]: [
            {
                **base,
                "uuid": world["legacy_type"],
                "user_key": "Gammel",
                "name": "Gammel enhedstype",
                "facet": {"uuid": world["facet:org_unit_type"]},
                "validity": span("2000-01-01", "2020-01-01"),
            }
        ],
        world["senior"]: [
            {
                **base,
                "uuid": world["senior"],
                "user_key": "SeniorUdvikler",
                "name": "Seniorudvikler",
                "facet": {"uuid": world["facet:engagement_job_function"]},
                "parent": {"uuid": world["udvikler"]},
                "validity": span("2001-01-01", None),
            }
        ],
        world["ad_reader"]: [
            {
                **base,
                "uuid": world["ad_reader"],
                "user_key": "ad-reader",
                "name": "AD læser",
                "owner": world["it"],
                "facet": {"uuid": world["facet:role"]},
                "it_system": {"uuid": world["ad"]},
                "validity": span("2010-01-01", None),
            }
        ],
    }
    assert validities(data) == [expected[u] for u in sorted(expected)]
    # Without dates the window is now: the class that ended is not found.
    data = await run(world, "read_classes", {"uuids": [world["legacy_type"], world["senior"]]})
    assert [v[0]["uuid"] for v in validities(data)] == [world["senior"]]


# ---------------------------------------------------------------------------
# Persons


@covers("read_employee_uuid_by_cpr_number", "read_person_uuid")
async def test_persons_by_cpr_number_and_filter(world: World) -> None:
    data = await run(world, "read_employee_uuid_by_cpr_number", {"cpr_number": "0303903456"})
    assert uuids(data) == [world["carl"]]
    data = await run(world, "read_employee_uuid_by_cpr_number", {"cpr_number": "030390-3456"})
    assert uuids(data) == [world["carl"]]
    assert uuids(await run(world, "read_employee_uuid_by_cpr_number", {"cpr_number": "3112991234"})) == []

    everyone = world.uuids(["anna", "bent", "carl", "dorte", "erik"])
    assert uuids(await run(world, "read_person_uuid")) == everyone
    assert uuids(await run(world, "read_person_uuid", {"filter": None})) == everyone
    assert uuids(await run(world, "read_person_uuid", {"filter": {"user_keys": ["dorte"]}})) == [world["dorte"]]
    data = await run(world, "read_person_uuid", {"filter": {"cpr_numbers": ["0101701234", "0505754321"]}})
    assert uuids(data) == world.uuids(["anna", "erik"])
    # Carl is Carlsen now; he was Christensen until 2030.
    assert uuids(await run(world, "read_person_uuid", {"filter": {"query": "Christensen"}})) == []
    data = await run(world, "read_person_uuid", {"filter": {"query": "Christensen"}}, now=EARLIER)
    assert uuids(data) == [world["carl"]]


@covers("read_employees")
async def test_read_employees_history_and_windows(world: World) -> None:
    carl = {
        "uuid": world["carl"],
        "user_key": "carl",
        "cpr_number": "0303903456",
        "given_name": "Carl",
        "nickname_given_name": "Calle",
        "nickname_surname": None,
    }
    before = {**carl, "surname": "Christensen", "validity": span(None, "2030-01-01")}
    after = {**carl, "surname": "Carlsen", "validity": span("2030-01-01", None)}
    anna = {
        "uuid": world["anna"],
        "user_key": "anna",
        "cpr_number": "0101701234",
        "given_name": "Anna",
        "surname": "Andersen",
        "nickname_given_name": None,
        "nickname_surname": None,
        "validity": span(None, None),
    }

    data = await run(world, "read_employees", {"uuids": [world["carl"]], **ALL_TIME})
    assert validities(data) == [[before, after]]
    # Dates left out: the window is now.
    assert validities(await run(world, "read_employees", {"uuids": [world["carl"]]})) == [[after]]
    data = await run(world, "read_employees", {"uuids": [world["carl"]]}, now=EARLIER)
    assert validities(data) == [[before]]
    # A window that ends at the midnight the new name starts does not reach it.
    data = await run(
        world,
        "read_employees",
        {"uuids": [world["carl"]], "from_date": "2020-01-01", "to_date": "2030-01-01T00:00:00+01:00"},
    )
    assert validities(data) == [[before]]
    data = await run(
        world,
        "read_employees",
        {"uuids": [world["carl"]], "from_date": "2020-01-01", "to_date": "2030-01-02T00:00:00+01:00"},
    )
    assert validities(data) == [[before, after]]
    data = await run(world, "read_employees", {"uuids": [world["carl"]], "from_date": "2031-01-01", "to_date": None})
    assert validities(data) == [[after]]
    data = await run(world, "read_employees", {"uuids": [world["carl"]], "from_date": None, "to_date": "2029-06-01"})
    assert validities(data) == [[before]]
    # Only a start: the window is that instant.
    data = await run(world, "read_employees", {"uuids": [world["carl"]], "from_date": "2029-12-31"})
    assert validities(data) == [[before]]
    # Several persons come in uuid order.
    data = await run(world, "read_employees", {"uuids": [world["carl"], world["anna"]]})
    assert validities(data) == [[anna], [after]]


@covers("read_employee_registrations")
async def test_read_employee_registrations(world: World) -> None:
    data = await run(world, "read_employee_registrations", {"employee_uuid": world["carl"]})
    # Created, then renamed: two registrations of Carl.
    assert data == {"employees": {"objects": [{"registrations": [{"uuid": world["carl"]}, {"uuid": world["carl"]}]}]}}
    data = await run(world, "read_employee_registrations", {"employee_uuid": world["anna"]})
    assert data == {"employees": {"objects": [{"registrations": [{"uuid": world["anna"]}]}]}}


# ---------------------------------------------------------------------------
# Organisation units


@covers("read_org_units")
async def test_read_org_units(world: World) -> None:
    unit = {"unit_type": {"uuid": world["afdeling"]}}
    data = await run(world, "read_org_units", {"uuids": [world["closed"], world["it"], world["root"]], **ALL_TIME})
    assert validities(data) == [
        [
            {
                **unit,
                "uuid": world["root"],
                "user_key": "kommune",
                "name": "Kommune",
                "parent": None,
                "validity": span("2000-01-01", None),
            }
        ],
        [
            {
                **unit,
                "uuid": world["it"],
                "user_key": "it",
                "name": "IT",
                "parent": {"uuid": world["root"]},
                "validity": span("2010-01-01", "2030-01-01"),
            },
            {
                **unit,
                "uuid": world["it"],
                "user_key": "it",
                "name": "Digitalisering",
                "parent": {"uuid": world["root"]},
                "validity": span("2030-01-01", None),
            },
        ],
        [
            {
                **unit,
                "uuid": world["closed"],
                "user_key": "lukket",
                "name": "Lukket",
                "parent": {"uuid": world["root"]},
                "validity": span("2005-01-01", "2020-01-01"),
            }
        ],
    ]
    data = await run(world, "read_org_units", {"uuids": [world["closed"], world["it"]]})
    assert [[v["name"] for v in vs] for vs in validities(data)] == [["Digitalisering"]]
    data = await run(
        world,
        "read_org_units",
        {"uuids": [world["closed"], world["it"]], "from_date": "2019-06-01", "to_date": "2020-06-01"},
    )
    assert [[v["name"] for v in vs] for vs in validities(data)] == [["IT"], ["Lukket"]]


@covers("read_org_unit_name", "read_org_unit_uuid")
async def test_org_unit_name_and_uuid(world: World) -> None:
    data = await run(world, "read_org_unit_name", {"org_unit_uuid": world["it"]})
    assert data == {"org_units": {"objects": [{"current": {"name": "Digitalisering"}}]}}
    data = await run(world, "read_org_unit_name", {"org_unit_uuid": world["it"]}, now=EARLIER)
    assert data == {"org_units": {"objects": [{"current": {"name": "IT"}}]}}
    assert await run(world, "read_org_unit_name", {"org_unit_uuid": world["closed"]}) == {"org_units": {"objects": []}}

    assert uuids(await run(world, "read_org_unit_uuid", {"filter": {"user_keys": ["drift"]}})) == [world["drift"]]
    assert uuids(await run(world, "read_org_unit_uuid", {"filter": {"names": ["Digitalisering"]}})) == [world["it"]]
    assert uuids(await run(world, "read_org_unit_uuid", {"filter": {"names": ["IT"]}})) == []
    data = await run(world, "read_org_unit_uuid", {"filter": {"parent": {"uuids": [world["root"]]}}})
    assert uuids(data) == world.uuids(["borger", "it"])
    data = await run(world, "read_org_unit_uuid", {"filter": {"parent": {"uuids": [world["root"]]}, **ALL_TIME}})
    assert uuids(data) == world.uuids(["borger", "it", "closed"])
    data = await run(world, "read_org_unit_uuid", {"filter": {"ancestor": {"uuids": [world["it"]]}}})
    assert uuids(data) == world.uuids(["it", "drift", "support"])


@covers("read_org_unit_ancestor_names", "read_org_unit_ancestors")
async def test_ancestors_nearest_first(world: World) -> None:
    data = await run(world, "read_org_unit_ancestor_names", {"uuid": world["support"]})
    assert data == {
        "org_units": {
            "objects": [
                {
                    "current": {
                        "name": "Support",
                        "ancestors": [{"name": "Drift"}, {"name": "Digitalisering"}, {"name": "Kommune"}],
                    }
                }
            ]
        }
    }
    data = await run(world, "read_org_unit_ancestor_names", {"uuid": world["support"]}, now=EARLIER)
    assert data["org_units"]["objects"][0]["current"]["ancestors"] == [
        {"name": "Drift"},
        {"name": "IT"},
        {"name": "Kommune"},
    ]

    data = await run(world, "read_org_unit_ancestors", {"uuid": world["support"]})
    expected = [{"uuid": world["drift"]}, {"uuid": world["it"]}, {"uuid": world["root"]}]
    assert data == {"org_units": {"objects": [{"current": {"ancestors": expected}}]}}
    data = await run(world, "read_org_unit_ancestors", {"uuid": world["root"]})
    assert data == {"org_units": {"objects": [{"current": {"ancestors": []}}]}}


# ---------------------------------------------------------------------------
# Engagements


def engagement_version(world: World, **values: Any) -> dict[str, Any]:
    version = {f"extension_{n}": None for n in range(1, 11)}
    version.update({"leave_uuid": None, "employee_uuid": world["carl"], "engagement_type_uuid": world["ansat"]})
    version.update(values)
    return version


@covers("read_engagements")
async def test_read_engagements_history_and_future(world: World) -> None:
    e = world["e_carl"]
    common = {"uuid": e, "user_key": "1003", "primary_uuid": world["primary"]}
    v1 = engagement_version(
        world,
        **common,
        extension_1="A",
        fraction=100,
        job_function_uuid=world["udvikler"],
        org_unit_uuid=world["drift"],
        validity=span("2020-01-01", "2030-01-01"),
    )
    v2 = engagement_version(
        world,
        **common,
        extension_1="B",
        fraction=80,
        job_function_uuid=world["senior"],
        org_unit_uuid=world["drift"],
        validity=span("2030-01-01", "2040-01-01"),
    )
    v3 = {**v2, "org_unit_uuid": world["support"], "validity": span("2040-01-01", None)}

    data = await run(world, "read_engagements", {"filter": {"uuids": [e], **ALL_TIME}})
    assert validities(data) == [[v1, v2, v3]]
    assert validities(await run(world, "read_engagements", {"filter": {"uuids": [e]}})) == [[v2]]
    data = await run(world, "read_engagements", {"filter": {"uuids": [e], "from_date": "2041-01-01"}})
    assert validities(data) == [[v3]]

    # Carl's engagements overlapping 2036: the main one, and the one that ends in 2037.
    data = await run(
        world, "read_engagements", {"filter": {"employee": {"uuids": [world["carl"]]}, "from_date": "2036-01-01"}}
    )
    second = engagement_version(
        world,
        uuid=world["e_carl2"],
        user_key="1004",
        fraction=None,
        primary_uuid=world["non_primary"],
        job_function_uuid=world["konsulent"],
        org_unit_uuid=world["borger"],
        engagement_type_uuid=world["timeloennet"],
        validity=span("2019-01-01", "2037-01-01"),
    )
    assert validities(data) == [[v2], [second]]
    data = await run(
        world, "read_engagements", {"filter": {"employee": {"uuids": [world["carl"]]}, "from_date": "2038-01-01"}}
    )
    assert validities(data) == [[v2]]


@covers("read_engagement_uuid", "read_engagement_employee_uuid")
async def test_engagement_uuid_and_person(world: World) -> None:
    assert uuids(await run(world, "read_engagement_uuid", {"filter": {"user_keys": ["1003"]}})) == [world["e_carl"]]
    assert uuids(await run(world, "read_engagement_uuid", {"filter": {"org_unit": {"uuids": [world["drift"]]}}})) == [
        world["e_carl"]
    ]
    data = await run(world, "read_engagement_uuid", {"filter": {"org_unit": {"uuids": [world["support"]]}}})
    assert uuids(data) == [world["e_dorte"]]
    data = await run(
        world,
        "read_engagement_uuid",
        {"filter": {"org_unit": {"uuids": [world["support"]]}, "from_date": "2041-01-01"}},
    )
    assert uuids(data) == world.uuids(["e_carl", "e_dorte"])
    data = await run(world, "read_engagement_uuid", {"filter": {"employee": {"cpr_numbers": ["0303903456"]}}})
    assert uuids(data) == world.uuids(["e_carl", "e_carl2"])
    data = await run(world, "read_engagement_uuid", {"filter": {"job_function": {"user_keys": ["Konsulent"]}}})
    assert uuids(data) == world.uuids(["e_carl2", "e_erik"])

    data = await run(world, "read_engagement_employee_uuid", {"engagement_uuid": world["e_carl"]})
    assert validities(data) == [[{"employee_uuid": world["carl"]}] * 3]
    data = await run(world, "read_engagement_employee_uuid", {"engagement_uuid": world["e_erik"]})
    assert validities(data) == [[{"employee_uuid": world["erik"]}]]


@covers("read_engagements_is_primary")
async def test_is_primary_follows_the_primary_class(world: World) -> None:
    """OS2mo: true only when ``primary`` is a class with user key ``primary`` or
    ``explicitly-primary``; Carl's second engagement is ``non-primary``."""
    data = await run(world, "read_engagements_is_primary", {"filter": {"employee": {"uuids": [world["carl"]]}}})
    assert validities(data) == [
        [{"is_primary": True, "uuid": world["e_carl"], "validity": span("2030-01-01", "2040-01-01")}],
        [{"is_primary": False, "uuid": world["e_carl2"], "validity": span("2019-01-01", "2037-01-01")}],
    ]


@covers("read_engagements_is_primary")
async def test_is_primary_without_a_primary_class(world: World) -> None:
    data = await run(world, "read_engagements_is_primary", {"filter": {"uuids": [world["e_dorte"], world["e_anna"]]}})
    assert validities(data) == [
        [{"is_primary": True, "uuid": world["e_anna"], "validity": span("2000-01-01", None)}],
        [{"is_primary": False, "uuid": world["e_dorte"], "validity": span("2021-01-01", None)}],
    ]


@covers("read_engagement_enddate")
async def test_read_engagement_enddate(world: World) -> None:
    data = await run(world, "read_engagement_enddate", {"employee_uuid": world["carl"]})
    ansat = {"engagement_type_response": {"uuid": world["ansat"]}}
    assert validities(data) == [
        [
            {**ansat, "validity": span("2020-01-01", "2030-01-01")},
            {**ansat, "validity": span("2030-01-01", "2040-01-01")},
            {**ansat, "validity": span("2040-01-01", None)},
        ],
        [{"engagement_type_response": {"uuid": world["timeloennet"]}, "validity": span("2019-01-01", "2037-01-01")}],
    ]
    assert validities(await run(world, "read_engagement_enddate", {"employee_uuid": world["anna"]})) == [
        [{**ansat, "validity": span("2000-01-01", None)}],
    ]


# ---------------------------------------------------------------------------
# Managers


@covers("read_manager_person_uuid")
async def test_managers_inherit_from_the_nearest_managed_unit(world: World) -> None:
    async def managers(unit: str, inherit: bool, **window: Any) -> list[Any]:
        variables = {"filter": {"org_unit": {"uuids": [world[unit]]}, **window}, "inherit": inherit}
        data = await run(world, "read_manager_person_uuid", variables)
        return [o["current"] for o in data["managers"]["objects"]]

    bent = {"person": [{"uuid": world["bent"]}]}
    assert await managers("it", False) == [bent]
    assert await managers("it", True) == [bent]
    # Drift's own manager role ended in 2019: nothing without inherit, IT's with it.
    assert await managers("drift", False) == []
    assert await managers("drift", True) == [bent]
    assert await managers("support", True) == [bent]
    assert await managers("root", True) == [{"person": [{"uuid": world["anna"]}]}]
    # In 2016 Drift had a manager of its own.
    variables = {"filter": {"org_unit": {"uuids": [world["drift"]]}}, "inherit": True}
    data = await run(world, "read_manager_person_uuid", variables, now=datetime(2016, 6, 1, tzinfo=CPH))
    assert data == {"managers": {"objects": [{"current": {"person": [{"uuid": world["dorte"]}]}}]}}


@covers("read_manager_person_uuid")
async def test_managers_by_person_and_type(world: World) -> None:
    data = await run(
        world, "read_manager_person_uuid", {"filter": {"employee": {"uuids": [world["anna"]]}}, "inherit": False}
    )
    assert data == {"managers": {"objects": [{"current": {"person": [{"uuid": world["anna"]}]}}]}}
    flt = {"manager_type": {"user_keys": ["Leder"]}, "employee": {"uuids": [world["bent"], world["dorte"]]}}
    data = await run(world, "read_manager_person_uuid", {"filter": flt, "inherit": False})
    assert data == {"managers": {"objects": [{"current": {"person": [{"uuid": world["bent"]}]}}]}}
    flt = {"manager_type": {"user_keys": ["Direktoer"]}}
    data = await run(world, "read_manager_person_uuid", {"filter": flt, "inherit": False})
    assert data == {"managers": {"objects": [{"current": {"person": [{"uuid": world["anna"]}]}}]}}


@covers("read_manager_person_uuid")
async def test_a_vacant_manager_role_has_no_person(world: World) -> None:
    """OS2mo answers ``person: null`` (not ``[]``) for a vacant role: the field is
    ``[Employee!]`` and OS2mo's resolver returns None when the role has no person."""

    async def managers(flt: dict[str, Any], inherit: bool) -> list[Any]:
        data = await run(world, "read_manager_person_uuid", {"filter": flt, "inherit": inherit})
        return [o["current"] for o in data["managers"]["objects"]]

    # Borgerservice's role is vacant; Kundeservice below inherits the vacancy.
    assert await managers({"org_unit": {"uuids": [world["borger"]]}}, False) == [{"person": None}]
    assert await managers({"org_unit": {"uuids": [world["service"]]}}, True) == [{"person": None}]
    assert await managers({"manager_type": {"user_keys": ["Leder"]}}, False) == [
        {"person": [{"uuid": world["bent"]}]},
        {"person": None},
    ]


@covers("read_engagement_manager")
async def test_engagement_manager_excludes_the_engagement_holder(world: World) -> None:
    async def manager_of(engagement: str, flt: dict[str, Any] | None = None) -> list[Any]:
        data = await run(world, "read_engagement_manager", {"engagement_uuid": world[engagement], "filter": flt})
        [obj] = data["engagements"]["objects"]
        return obj["current"]["managers"]  # type: ignore[no-any-return]

    anna = [{"person": [{"uuid": world["anna"]}]}]
    bent = [{"person": [{"uuid": world["bent"]}]}]
    assert await manager_of("e_carl") == bent
    assert await manager_of("e_dorte") == bent
    # Bent manages IT himself: his manager is the director above.
    assert await manager_of("e_bent") == anna
    # The director has nobody above her.
    assert await manager_of("e_anna") == []
    # The filter decides which roles count while walking up.
    assert await manager_of("e_carl", {"manager_type": {"user_keys": ["Direktoer"]}}) == anna
    assert await manager_of("e_bent", {"manager_type": {"user_keys": ["Leder"]}}) == []


@covers("read_engagement_manager")
async def test_engagement_manager_may_be_a_vacancy(world: World) -> None:
    """Erik's unit has no manager; the unit above has a vacant role: OS2mo stops
    there and answers the role with ``person: null``."""
    data = await run(world, "read_engagement_manager", {"engagement_uuid": world["e_erik"], "filter": None})
    assert data == {"engagements": {"objects": [{"current": {"managers": [{"person": None}]}}]}}


# ---------------------------------------------------------------------------
# IT systems and IT users


@covers("read_itsystems", "read_itsystem_uuid")
async def test_read_itsystems(world: World) -> None:
    data = await run(world, "read_itsystems", {"uuids": [world["legacy"], world["ad"]], **ALL_TIME})
    roles = [{"uuid": u} for u in world.uuids(["ad_admin", "ad_reader"])]
    assert validities(data) == [
        [
            {
                "uuid": world["ad"],
                "user_key": "AD",
                "name": "Active Directory",
                "validity": span(None, "2030-01-01"),
                "roles": roles,
            },
            {
                "uuid": world["ad"],
                "user_key": "AD",
                "name": "Microsoft AD",
                "validity": span("2030-01-01", None),
                "roles": roles,
            },
        ],
        [
            {
                "uuid": world["legacy"],
                "user_key": "Legacy",
                "name": "Gammelt system",
                "validity": span("2000-01-01", "2020-01-01"),
                "roles": [],
            }
        ],
    ]
    data = await run(world, "read_itsystems", {"uuids": [world["omada"], world["legacy"]]})
    assert validities(data) == [
        [
            {
                "uuid": world["omada"],
                "user_key": "Omada",
                "name": "Omada IdM",
                "validity": span("2019-01-01", None),
                "roles": [{"uuid": world["omada_user"]}],
            }
        ]
    ]

    assert uuids(await run(world, "read_itsystem_uuid", {"filter": {"user_keys": ["Omada"]}})) == [world["omada"]]
    assert uuids(await run(world, "read_itsystem_uuid", {"filter": {"user_keys": ["Legacy"]}})) == []
    data = await run(world, "read_itsystem_uuid", {"filter": {"user_keys": ["Legacy"], **ALL_TIME}})
    assert uuids(data) == [world["legacy"]]
    assert uuids(await run(world, "read_itsystem_uuid", {"filter": {}})) == world.uuids(["ad", "omada"])


@covers("read_itusers")
async def test_read_itusers(world: World) -> None:
    data = await run(world, "read_itusers", {"uuids": [world["iu_carl_ad"], world["iu_it_ad"]], **ALL_TIME})
    carl = {
        "employee_uuid": world["carl"],
        "itsystem_uuid": world["ad"],
        "engagement_uuids": [world["e_carl"]],
        "rolebindings": [{"uuid": world["rb_carl_admin"]}],
        "external_id": "guid-carl",
        "binding_type": "ldap",
    }
    assert validities(data) == [
        [
            {**carl, "user_key": "carl", "validity": span("2020-01-01", "2030-01-01")},
            {**carl, "user_key": "cc", "validity": span("2030-01-01", None)},
        ],
        [
            {
                "user_key": "it-shared",
                "validity": span("2016-01-01", None),
                "employee_uuid": None,
                "itsystem_uuid": world["ad"],
                "engagement_uuids": [],
                "rolebindings": [],
                "external_id": None,
                "binding_type": None,
            }
        ],
    ]
    data = await run(world, "read_itusers", {"uuids": [world["iu_carl_omada"]], "from_date": "2025-01-01"})
    assert validities(data) == [
        [
            {
                "user_key": "carl-omada",
                "validity": span("2020-01-01", None),
                "employee_uuid": world["carl"],
                "itsystem_uuid": world["omada"],
                "engagement_uuids": [world["e_carl"], world["e_carl2"]],
                "rolebindings": [{"uuid": world["rb_carl_omada"]}],
                "external_id": None,
                "binding_type": None,
            }
        ]
    ]
    # Dorte's account ended in 2023.
    assert validities(await run(world, "read_itusers", {"uuids": [world["iu_dorte_ad"]]})) == []


@covers("itusers")
async def test_itusers_by_external_id_and_person(world: World) -> None:
    data = await run(world, "itusers", {"filter": {"external_ids": ["guid-carl"]}})
    assert data == {
        "itusers": {
            "objects": [
                {"uuid": world["iu_carl_ad"], "current": {"external_id": "guid-carl", "binding_type": "ldap"}},
            ]
        }
    }
    data = await run(world, "itusers", {"filter": {"employee": {"uuids": [world["carl"]]}}})
    assert data == {
        "itusers": {
            "objects": [
                {"uuid": world["iu_carl_ad"], "current": {"external_id": "guid-carl", "binding_type": "ldap"}},
                {"uuid": world["iu_carl_omada"], "current": {"external_id": None, "binding_type": None}},
            ]
        }
    }
    # A window in the past finds an account that has ended; current (now) is then empty.
    data = await run(world, "itusers", {"filter": {"employee": {"uuids": [world["dorte"]]}, "from_date": "2022-01-01"}})
    assert data == {"itusers": {"objects": [{"uuid": world["iu_dorte_ad"], "current": None}]}}


@covers("read_employee_uuid_by_ituser_user_key", "read_ituser_by_employee_and_itsystem_uuid", "read_ituser_uuid")
async def test_ituser_lookups(world: World) -> None:
    data = await run(world, "read_employee_uuid_by_ituser_user_key", {"user_key": "cc"})
    assert data == {"itusers": {"objects": [{"current": {"employee_uuid": world["carl"]}}]}}
    # "carl" was the account name until 2030.
    assert await run(world, "read_employee_uuid_by_ituser_user_key", {"user_key": "carl"}) == {
        "itusers": {"objects": []}
    }
    data = await run(world, "read_employee_uuid_by_ituser_user_key", {"user_key": "carl"}, now=EARLIER)
    assert data == {"itusers": {"objects": [{"current": {"employee_uuid": world["carl"]}}]}}
    data = await run(world, "read_employee_uuid_by_ituser_user_key", {"user_key": "it-shared"})
    assert data == {"itusers": {"objects": [{"current": {"employee_uuid": None}}]}}

    async def account(person: str, system: str) -> list[str]:
        variables = {"employee_uuid": world[person], "itsystem_uuid": world[system]}
        return uuids(await run(world, "read_ituser_by_employee_and_itsystem_uuid", variables))

    assert await account("carl", "ad") == [world["iu_carl_ad"]]
    assert await account("carl", "omada") == [world["iu_carl_omada"]]
    assert await account("bent", "omada") == []
    assert await account("dorte", "ad") == []

    assert uuids(await run(world, "read_ituser_uuid", {"filter": {"user_keys": ["cc"]}})) == [world["iu_carl_ad"]]
    data = await run(world, "read_ituser_uuid", {"filter": {"engagement": {"uuids": [world["e_carl2"]]}}})
    assert uuids(data) == [world["iu_carl_omada"]]
    data = await run(world, "read_ituser_uuid", {"filter": {"engagement": {"uuids": [world["e_carl"]]}}})
    assert uuids(data) == world.uuids(["iu_carl_ad", "iu_carl_omada"])
    data = await run(world, "read_ituser_uuid", {"filter": {"org_unit": {"uuids": [world["it"]]}}})
    assert uuids(data) == [world["iu_it_ad"]]


@covers("read_all_itusers")
async def test_read_all_itusers_pages_in_uuid_order(world: World) -> None:
    def row(
        name: str, person: str | None, user_key: str, external_id: str | None = None, binding: str | None = None
    ) -> dict[str, Any]:
        return {
            "itsystem_uuid": world["ad"],
            "employee_uuid": world[person] if person else None,
            "user_key": user_key,
            "external_id": external_id,
            "binding_type": binding,
            "uuid": world[name],
        }

    ad = {"itsystem": {"uuids": [world["ad"]]}}
    everything = await run(world, "read_all_itusers", {"filter": ad})
    expected = [
        [row("iu_carl_ad", "carl", "cc", "guid-carl", "ldap")],
        [row("iu_bent_ad", "bent", "bent", "guid-bent")],
        [row("iu_it_ad", None, "it-shared")],
    ]
    assert everything["itusers"] == {
        "objects": [{"validities": v} for v in expected],
        "page_info": {"next_cursor": None},
    }

    first = await run(world, "read_all_itusers", {"filter": ad, "limit": 2})
    assert validities(first) == expected[:2]
    cursor = first["itusers"]["page_info"]["next_cursor"]
    assert cursor
    second = await run(world, "read_all_itusers", {"filter": ad, "limit": 2, "cursor": cursor})
    assert validities(second) == expected[2:]
    assert second["itusers"]["page_info"]["next_cursor"] is None

    history = await run(world, "read_all_itusers", {"filter": {**ad, **ALL_TIME}, "limit": 10})
    assert [[v["user_key"] for v in vs] for vs in validities(history)] == [
        ["carl", "cc"],
        ["bent"],
        ["it-shared"],
        ["dorte-old"],
    ]


@covers("read_ituser_relation_uuids", "read_all_ituser_user_keys_by_itsystem_uuid")
async def test_ituser_relations_and_user_keys(world: World) -> None:
    data = await run(world, "read_ituser_relation_uuids", {"ituser_uuid": world["iu_carl_ad"]})
    assert validities(data) == [[{"employee_uuid": world["carl"], "org_unit_uuid": None}] * 2]
    data = await run(world, "read_ituser_relation_uuids", {"ituser_uuid": world["iu_it_ad"]})
    assert validities(data) == [[{"employee_uuid": None, "org_unit_uuid": world["it"]}]]

    data = await run(world, "read_all_ituser_user_keys_by_itsystem_uuid", {"itsystem_uuid": world["ad"]})
    assert validities(data) == [
        [{"user_key": "carl"}, {"user_key": "cc"}],
        [{"user_key": "bent"}],
        [{"user_key": "it-shared"}],
        [{"user_key": "dorte-old"}],
    ]
    data = await run(world, "read_all_ituser_user_keys_by_itsystem_uuid", {"itsystem_uuid": world["legacy"]})
    assert validities(data) == []


@covers("read_rolebindings")
async def test_read_rolebindings(world: World) -> None:
    data = await run(world, "read_rolebindings", {"filter": {"ituser": {"uuids": [world["iu_carl_ad"]]}}})
    assert data == {
        "rolebindings": {
            "objects": [
                {"current": {"ituser": [{"person": [{"uuid": world["carl"]}]}], "role": [{"uuid": world["ad_admin"]}]}},
            ]
        }
    }
    data = await run(world, "read_rolebindings", {"filter": {"role": {"user_keys": ["ad-reader"]}}})
    assert data == {
        "rolebindings": {
            "objects": [
                {
                    "current": {
                        "ituser": [{"person": [{"uuid": world["bent"]}]}],
                        "role": [{"uuid": world["ad_reader"]}],
                    }
                },
            ]
        }
    }
    data = await run(world, "read_rolebindings", {"filter": {"org_unit": {"uuids": [world["drift"]]}}})
    assert data == {
        "rolebindings": {
            "objects": [
                {
                    "current": {
                        "ituser": [{"person": [{"uuid": world["carl"]}]}],
                        "role": [{"uuid": world["omada_user"]}],
                    }
                },
            ]
        }
    }
    data = await run(world, "read_rolebindings")
    assert len(data["rolebindings"]["objects"]) == 3
    assert [o["current"]["role"] for o in data["rolebindings"]["objects"]] == [
        [{"uuid": world["ad_admin"]}],
        [{"uuid": world["ad_reader"]}],
        [{"uuid": world["omada_user"]}],
    ]


# ---------------------------------------------------------------------------
# Addresses


@covers("read_addresses")
async def test_read_addresses(world: World) -> None:
    carl_mail = {
        "value2": None,
        "uuid": world["a_carl_email"],
        "user_key": "carl-mail",
        "visibility_uuid": world["public"],
        "employee_uuid": world["carl"],
        "org_unit_uuid": None,
        "engagement_uuid": world["e_carl"],
        "ituser_uuid": None,
        "address_type": {"user_key": "EmailEmployee", "uuid": world["email_employee"]},
    }
    data = await run(world, "read_addresses", {"uuids": [world["a_carl_email"]], **ALL_TIME})
    assert validities(data) == [
        [
            # Old list relations give one version per target, as OS2mo's clients expect (`one(...)`).
            {
                **carl_mail,
                "value": "carl@kommune.dk",
                "person": [{"cpr_number": "0303903456"}],
                "validity": span("2020-01-01", "2030-06-01"),
            },
            {
                **carl_mail,
                "value": "carl.carlsen@kommune.dk",
                "person": [{"cpr_number": "0303903456"}],
                "validity": span("2030-06-01", None),
            },
        ],
    ]
    data = await run(world, "read_addresses", {"uuids": [world["a_carl_ad_mail"], world["a_bent_email"]]})
    assert validities(data) == [
        [
            {
                "value": "carl@ad.kommune.dk",
                "value2": None,
                "uuid": world["a_carl_ad_mail"],
                "user_key": "carl-ad-mail",
                "visibility_uuid": None,
                "employee_uuid": world["carl"],
                "org_unit_uuid": None,
                "engagement_uuid": None,
                "ituser_uuid": world["iu_carl_ad"],
                "person": [{"cpr_number": "0303903456"}],
                "validity": span("2020-01-01", None),
                "address_type": {"user_key": "EmailEmployee", "uuid": world["email_employee"]},
            }
        ]
    ]


@covers("read_addresses")
async def test_read_addresses_of_a_unit(world: World) -> None:
    """A unit's address has no person: OS2mo answers ``person: null`` (the field is
    ``[Employee!]``; OS2mo's resolver returns None when there is no person uuid)."""
    data = await run(world, "read_addresses", {"uuids": [world["a_it_email"]], **ALL_TIME})
    assert validities(data) == [
        [
            {
                "value": "it@kommune.dk",
                "value2": None,
                "uuid": world["a_it_email"],
                "user_key": "it-mail",
                "visibility_uuid": None,
                "employee_uuid": None,
                "org_unit_uuid": world["it"],
                "engagement_uuid": None,
                "ituser_uuid": None,
                "person": None,
                "validity": span("2010-01-01", None),
                "address_type": {"user_key": "EmailUnit", "uuid": world["email_unit"]},
            }
        ]
    ]


@covers("read_address_validities")
async def test_read_address_validities(world: World) -> None:
    data = await run(world, "read_address_validities", {"address_uuid": world["a_carl_email"]})
    common = {
        "uuid": world["a_carl_email"],
        "user_key": "carl-mail",
        "visibility_uuid": world["public"],
        "employee_uuid": world["carl"],
        "org_unit_uuid": None,
        "engagement_uuid": world["e_carl"],
        "ituser_uuid": None,
        "address_type": {"uuid": world["email_employee"]},
    }
    assert validities(data) == [
        [
            {**common, "value": "carl@kommune.dk", "validity": span("2020-01-01", "2030-06-01")},
            {**common, "value": "carl.carlsen@kommune.dk", "validity": span("2030-06-01", None)},
        ]
    ]
    data = await run(world, "read_address_validities", {"address_uuid": world["a_bent_email"]})
    assert [[(v["value"], v["validity"]) for v in vs] for vs in validities(data)] == [
        [("bent@kommune.dk", span("2015-01-01", "2025-01-01"))],
    ]


@covers("addresses", "read_address_uuid", "read_address_relation_uuids")
async def test_address_lookups(world: World) -> None:
    data = await run(world, "addresses", {"filter": {"ituser": {"uuids": [world["iu_carl_ad"]]}}})
    assert data == {
        "addresses": {"objects": [{"uuid": world["a_carl_ad_mail"], "current": {"ituser_uuid": world["iu_carl_ad"]}}]}
    }
    data = await run(world, "addresses", {"filter": {"employee": {"uuids": [world["carl"]]}}})
    assert data["addresses"]["objects"] == [
        {"uuid": world["a_carl_email"], "current": {"ituser_uuid": None}},
        {"uuid": world["a_carl_phone"], "current": {"ituser_uuid": None}},
        {"uuid": world["a_carl_ad_mail"], "current": {"ituser_uuid": world["iu_carl_ad"]}},
        {"uuid": world["a_carl_dar"], "current": {"ituser_uuid": None}},
    ]

    assert uuids(await run(world, "read_address_uuid", {"filter": {"user_keys": ["carl-phone"]}})) == [
        world["a_carl_phone"]
    ]
    data = await run(
        world,
        "read_address_uuid",
        {"filter": {"address_type": {"user_keys": ["EmailUnit"]}, "org_unit": {"uuids": [world["it"]]}}},
    )
    assert uuids(data) == [world["a_it_email"]]
    data = await run(world, "read_address_uuid", {"filter": {"visibility": {"user_keys": ["Secret"]}}})
    assert uuids(data) == [world["a_carl_phone"]]
    data = await run(world, "read_address_uuid", {"filter": {"engagement": {"uuids": [world["e_carl"]]}}})
    assert uuids(data) == [world["a_carl_email"]]
    # The phone number ends at the start of 2036.
    data = await run(world, "read_address_uuid", {"filter": {"user_keys": ["carl-phone"], "from_date": "2036-01-01"}})
    assert uuids(data) == []

    data = await run(world, "read_address_relation_uuids", {"address_uuid": world["a_carl_email"]})
    assert validities(data) == [[{"employee_uuid": world["carl"], "org_unit_uuid": None}] * 2]
    data = await run(world, "read_address_relation_uuids", {"address_uuid": world["a_it_email"]})
    assert validities(data) == [[{"employee_uuid": None, "org_unit_uuid": world["it"]}]]


@covers("read_filtered_addresses")
async def test_read_filtered_addresses(world: World) -> None:
    flt = {"employee": {"uuids": [world["carl"]]}, "address_type": {"user_keys": ["EmailEmployee"]}}
    data = await run(world, "read_filtered_addresses", {"filter": flt})
    email = {"address_type": {"user_key": "EmailEmployee"}}
    assert validities(data) == [
        [{**email, "uuid": world["a_carl_email"], "validity": span("2030-06-01", None)}],
        [{**email, "uuid": world["a_carl_ad_mail"], "validity": span("2020-01-01", None)}],
    ]
    data = await run(world, "read_filtered_addresses", {"filter": {**flt, **ALL_TIME}})
    assert validities(data)[0] == [
        {**email, "uuid": world["a_carl_email"], "validity": span("2020-01-01", "2030-06-01")},
        {**email, "uuid": world["a_carl_email"], "validity": span("2030-06-01", None)},
    ]
    data = await run(world, "read_filtered_addresses", {"filter": {"employee": {"uuids": [world["bent"]]}}})
    assert validities(data) == []


@covers("read_filtered_itusers")
async def test_read_filtered_itusers(world: World) -> None:
    flt = {"employee": {"uuids": [world["carl"]]}, "itsystem": {"user_keys": ["AD"]}}
    data = await run(world, "read_filtered_itusers", {"filter": flt})
    assert validities(data) == [
        [
            {
                "employee_uuid": world["carl"],
                "itsystem": {"user_key": "AD"},
                "uuid": world["iu_carl_ad"],
                "validity": span("2030-01-01", None),
            }
        ]
    ]
    data = await run(
        world, "read_filtered_itusers", {"filter": {"employee": {"uuids": [world["carl"]]}, "from_date": "2021-01-01"}}
    )
    assert validities(data) == [
        [
            {
                "employee_uuid": world["carl"],
                "itsystem": {"user_key": "AD"},
                "uuid": world["iu_carl_ad"],
                "validity": span("2020-01-01", "2030-01-01"),
            }
        ],
        [
            {
                "employee_uuid": world["carl"],
                "itsystem": {"user_key": "Omada"},
                "uuid": world["iu_carl_omada"],
                "validity": span("2020-01-01", None),
            }
        ],
    ]


@covers("read_cleanup_addresses")
async def test_read_cleanup_addresses(world: World) -> None:
    data = await run(world, "read_cleanup_addresses", {"filter": {"employee": {"uuids": [world["carl"]]}}})
    assert data["addresses"]["objects"] == [
        {"current": {"employee_uuid": world["carl"], "uuid": world[name]}}
        for name in ("a_carl_email", "a_carl_phone", "a_carl_ad_mail", "a_carl_dar")
    ]
    # Bent's address ended in 2025: not there now, and no current version over all time.
    assert await run(world, "read_cleanup_addresses", {"filter": {"employee": {"uuids": [world["bent"]]}}}) == {
        "addresses": {"objects": []}
    }
    data = await run(world, "read_cleanup_addresses", {"filter": {"employee": {"uuids": [world["bent"]]}, **ALL_TIME}})
    assert data == {"addresses": {"objects": [{"current": None}]}}
    data = await run(
        world,
        "read_cleanup_addresses",
        {"filter": {"employee": {"uuids": [world["bent"]]}}},
        now=datetime(2024, 6, 1, tzinfo=CPH),
    )
    assert data == {
        "addresses": {"objects": [{"current": {"employee_uuid": world["bent"], "uuid": world["a_bent_email"]}}]}
    }


@covers("resolve_dar_address")
async def test_resolve_dar_address(world: World) -> None:
    """Without a DAR source an address resolves to its stored value only."""
    data = await run(world, "resolve_dar_address", {"filter": {"uuids": [world["a_carl_dar"], world["a_it_email"]]}})
    assert data == {
        "addresses": {
            "objects": [
                {
                    "uuid": world["a_carl_dar"],
                    "current": {"resolve": {"value": "0a3f50a0-23c9-32b8-e044-0003ba298018"}},
                },
                {"uuid": world["a_it_email"], "current": {"resolve": {"value": "it@kommune.dk"}}},
            ]
        }
    }
