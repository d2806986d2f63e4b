"""Every operation of the LDAP client's test helpers (``testing.graphql``), answered right.

The reads are the ones the client's own integration tests use to check what it
wrote; the writes are the ones they seed with. Reads run at ``NOW``
(2035-06-15). Validity ``to`` is exclusive here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
from ldap_world import NOW, Coverage, Operations, World, open_backend, open_world, span, uuid_of
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import BACKENDS

OPS = Operations("testing.graphql")
covers = Coverage(OPS)
ALL_TIME = {"from_date": None, "to_date": None}


@pytest.fixture(scope="module", params=BACKENDS)
def ldap_backend(request: pytest.FixtureRequest) -> tuple[str, AsyncEngine]:
    return open_backend(request)


@pytest.fixture(scope="module")
async def world(ldap_backend: tuple[str, AsyncEngine]) -> AsyncIterator[World]:
    async for w in open_world(*ldap_backend):
        yield w


async def run(
    world: World, name: str, variables: dict[str, Any] | None = None, now: datetime | None = NOW
) -> dict[str, Any]:
    return await world.run(OPS, name, variables, now=now)


def validities(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    [paged] = data.values()
    return [o["validities"] for o in paged["objects"]]


def test_every_operation_of_the_file_is_tested() -> None:
    assert OPS.names, f"no operations in {OPS.path}"
    assert OPS.names - covers.covered == set(), "operations of testing.graphql without a test"


# ---------------------------------------------------------------------------
# Reads


@covers("__testing__address_read")
async def test_address_read(world: World) -> None:
    data = await run(world, "__testing__address_read", {"filter": {"uuids": [world["a_carl_phone"]], **ALL_TIME}})
    # The phone number's one version spans Carl's change of name: both of his versions.
    assert validities(data) == [
        [
            {
                "uuid": world["a_carl_phone"],
                "user_key": "carl-phone",
                "address_type": {"user_key": "PhoneEmployee"},
                "value": "12345678",
                "value2": None,
                "person": [{"uuid": world["carl"]}],
                "visibility": {"user_key": "Secret"},
                "validity": span("2021-01-01", "2036-01-01"),
            }
        ]
    ]
    flt = {"employee": {"uuids": [world["carl"]]}, "address_type": {"user_keys": ["EmailEmployee"]}}
    data = await run(world, "__testing__address_read", {"filter": flt})
    email = {"address_type": {"user_key": "EmailEmployee"}, "value2": None, "person": [{"uuid": world["carl"]}]}
    assert validities(data) == [
        [
            {
                **email,
                "uuid": world["a_carl_email"],
                "user_key": "carl-mail",
                "value": "carl.carlsen@kommune.dk",
                "visibility": {"user_key": "Public"},
                "validity": span("2030-06-01", None),
            }
        ],
        [
            {
                **email,
                "uuid": world["a_carl_ad_mail"],
                "user_key": "carl-ad-mail",
                "value": "carl@ad.kommune.dk",
                "visibility": None,
                "validity": span("2020-01-01", None),
            }
        ],
    ]
    assert await run(world, "__testing__address_read", {"filter": {"employee": {"uuids": [world["bent"]]}}}) == {
        "addresses": {"objects": []}
    }


@covers("__testing__address_read")
async def test_address_read_of_a_unit_has_no_person(world: World) -> None:
    """OS2mo answers ``person: null`` for an address without a person (``[Employee!]``)."""
    data = await run(world, "__testing__address_read", {"filter": {"org_unit": {"uuids": [world["it"]]}}})
    assert validities(data) == [
        [
            {
                "uuid": world["a_it_email"],
                "user_key": "it-mail",
                "address_type": {"user_key": "EmailUnit"},
                "value": "it@kommune.dk",
                "value2": None,
                "person": None,
                "visibility": None,
                "validity": span("2010-01-01", None),
            }
        ]
    ]


@covers("__testing__class_read")
async def test_class_read(world: World) -> None:
    data = await run(world, "__testing__class_read", {"filter": {"facet": {"user_keys": ["role"]}}})
    role = {"scope": None, "published": "Publiceret", "facet": {"uuid": world["facet:role"]}, "parent": None}
    assert validities(data) == [
        [
            {
                **role,
                "uuid": world["ad_admin"],
                "user_key": "ad-admin",
                "name": "AD administrator",
                "owner": None,
                "it_system": {"uuid": world["ad"]},
                "validity": span(None, None),
            }
        ],
        [
            {
                **role,
                "uuid": world["ad_reader"],
                "user_key": "ad-reader",
                "name": "AD læser",
                "owner": world["it"],
                "it_system": {"uuid": world["ad"]},
                "validity": span("2010-01-01", None),
            }
        ],
        [
            {
                **role,
                "uuid": world["omada_user"],
                "user_key": "omada-user",
                "name": "Omada bruger",
                "owner": None,
                "it_system": {"uuid": world["omada"]},
                "validity": span(None, None),
            }
        ],
    ]
    data = await run(world, "__testing__class_read", {"filter": {"parent": {"user_keys": ["Udvikler"]}}})
    assert validities(data) == [
        [
            {
                "uuid": world["senior"],
                "user_key": "SeniorUdvikler",
                "name": "Seniorudvikler",
                "scope": None,
                "owner": None,
                "published": "Publiceret",
                "facet": {"uuid": world["facet:engagement_job_function"]},
                "parent": {"uuid": world["udvikler"]},
                "it_system": None,
                "validity": span("2001-01-01", None),
            }
        ]
    ]
    data = await run(world, "__testing__class_read", {"filter": {"scope": ["EMAIL"]}})
    assert [[(v["user_key"], v["scope"]) for v in vs] for vs in validities(data)] == [
        [("EmailEmployee", "EMAIL")],
        [("EmailUnit", "EMAIL")],
    ]


@covers("__testing__engagement_read")
async def test_engagement_read(world: World) -> None:
    data = await run(world, "__testing__engagement_read", {"filter": {"uuids": [world["e_carl"]], **ALL_TIME}})
    common = {
        "uuid": world["e_carl"],
        "user_key": "1003",
        "person": [{"uuid": world["carl"]}],
        "engagement_type": {"user_key": "Ansat"},
        "primary": {"user_key": "primary"},
    }
    assert validities(data) == [
        [
            {
                **common,
                "org_unit": [{"uuid": world["drift"]}],
                "job_function": {"user_key": "Udvikler"},
                "extension_1": "A",
                "validity": span("2020-01-01", "2030-01-01"),
            },
            {
                **common,
                "org_unit": [{"uuid": world["drift"]}],
                "job_function": {"user_key": "SeniorUdvikler"},
                "extension_1": "B",
                "validity": span("2030-01-01", "2040-01-01"),
            },
            {
                **common,
                "org_unit": [{"uuid": world["support"]}],
                "job_function": {"user_key": "SeniorUdvikler"},
                "extension_1": "B",
                "validity": span("2040-01-01", None),
            },
        ]
    ]
    data = await run(world, "__testing__engagement_read", {"filter": {"org_unit": {"uuids": [world["service"]]}}})
    assert validities(data) == [
        [
            {
                "uuid": world["e_erik"],
                "user_key": "1006",
                "person": [{"uuid": world["erik"]}],
                "org_unit": [{"uuid": world["service"]}],
                "engagement_type": {"user_key": "Ansat"},
                "job_function": {"user_key": "Konsulent"},
                "primary": None,
                "extension_1": None,
                "validity": span("2018-01-01", None),
            }
        ]
    ]


@covers("__testing__employee_read")
async def test_employee_read(world: World) -> None:
    carl = {
        "uuid": world["carl"],
        "user_key": "carl",
        "cpr_number": "0303903456",
        "given_name": "Carl",
        "nickname_given_name": "Calle",
        "nickname_surname": None,
    }
    data = await run(world, "__testing__employee_read", {"filter": {"cpr_numbers": ["0303903456"]}})
    assert validities(data) == [[{**carl, "surname": "Carlsen"}]]
    data = await run(world, "__testing__employee_read", {"filter": {"cpr_numbers": ["0303903456"], **ALL_TIME}})
    assert validities(data) == [[{**carl, "surname": "Christensen"}, {**carl, "surname": "Carlsen"}]]
    data = await run(world, "__testing__employee_read", {"filter": {"uuids": [world["bent"], world["anna"]]}})
    assert [[(v["uuid"], v["given_name"]) for v in vs] for vs in validities(data)] == [
        [(world["anna"], "Anna")],
        [(world["bent"], "Bent")],
    ]


@covers("__testing__ituser_read")
async def test_ituser_read(world: World) -> None:
    data = await run(world, "__testing__ituser_read", {"filter": {"employee": {"uuids": [world["carl"]]}, **ALL_TIME}})
    carl_ad = {
        "uuid": world["iu_carl_ad"],
        "external_id": "guid-carl",
        "binding_type": "ldap",
        "itsystem": {"user_key": "AD"},
        "person": [{"uuid": world["carl"]}],
    }
    assert validities(data) == [
        [
            {**carl_ad, "user_key": "carl", "validity": span("2020-01-01", "2030-01-01")},
            {**carl_ad, "user_key": "cc", "validity": span("2030-01-01", None)},
        ],
        [
            {
                "uuid": world["iu_carl_omada"],
                "user_key": "carl-omada",
                "external_id": None,
                "binding_type": None,
                "itsystem": {"user_key": "Omada"},
                "person": [{"uuid": world["carl"]}],
                "validity": span("2020-01-01", None),
            }
        ],
    ]
    data = await run(world, "__testing__ituser_read", {"filter": {"external_ids": ["guid-bent"]}})
    assert validities(data) == [
        [
            {
                "uuid": world["iu_bent_ad"],
                "user_key": "bent",
                "external_id": "guid-bent",
                "binding_type": None,
                "itsystem": {"user_key": "AD"},
                "person": [{"uuid": world["bent"]}],
                "validity": span("2015-01-01", None),
            }
        ]
    ]


@covers("__testing__ituser_read")
async def test_ituser_read_of_a_unit_account_has_no_person(world: World) -> None:
    """OS2mo answers ``person: null`` for an account held by a unit (``[Employee!]``)."""
    data = await run(world, "__testing__ituser_read", {"filter": {"org_unit": {"uuids": [world["it"]]}}})
    assert validities(data) == [
        [
            {
                "uuid": world["iu_it_ad"],
                "user_key": "it-shared",
                "external_id": None,
                "binding_type": None,
                "itsystem": {"user_key": "AD"},
                "person": None,
                "validity": span("2016-01-01", None),
            }
        ]
    ]


@covers("__testing__itsystem_read")
async def test_itsystem_read(world: World) -> None:
    data = await run(world, "__testing__itsystem_read", {"filter": {"user_keys": ["AD"], **ALL_TIME}})
    assert validities(data) == [
        [
            {"uuid": world["ad"], "user_key": "AD", "name": "Active Directory", "validity": span(None, "2030-01-01")},
            {"uuid": world["ad"], "user_key": "AD", "name": "Microsoft AD", "validity": span("2030-01-01", None)},
        ]
    ]
    data = await run(world, "__testing__itsystem_read", {"filter": {"uuids": [world["omada"], world["legacy"]]}})
    assert validities(data) == [
        [{"uuid": world["omada"], "user_key": "Omada", "name": "Omada IdM", "validity": span("2019-01-01", None)}]
    ]


@covers("__testing__org_unit_read")
async def test_org_unit_read(world: World) -> None:
    data = await run(world, "__testing__org_unit_read", {"filter": {"uuids": [world["it"]], **ALL_TIME}})
    it = {
        "uuid": world["it"],
        "user_key": "it",
        "parent": {"uuid": world["root"]},
        "unit_type": {"user_key": "Afdeling"},
    }
    assert validities(data) == [
        [
            {**it, "name": "IT", "validity": span("2010-01-01", "2030-01-01")},
            {**it, "name": "Digitalisering", "validity": span("2030-01-01", None)},
        ]
    ]
    data = await run(world, "__testing__org_unit_read", {"filter": {"parent": {"uuids": [world["it"]]}}})
    assert validities(data) == [
        [
            {
                "uuid": world["drift"],
                "user_key": "drift",
                "name": "Drift",
                "parent": {"uuid": world["it"]},
                "unit_type": {"user_key": "Afdeling"},
                "validity": span("2012-01-01", None),
            }
        ]
    ]
    data = await run(world, "__testing__org_unit_read", {"filter": {"parent": None}})
    assert [[v["name"] for v in vs] for vs in validities(data)] == [["Kommune"]]


@covers("__testing__address_registration")
async def test_address_registration(world: World) -> None:
    data = await run(world, "__testing__address_registration", {"filter": {"uuids": [world["a_carl_email"]]}})
    [obj] = data["addresses"]["objects"]
    # Created, then changed: two registrations, newest first, the older one ended by the newer.
    newest, oldest = obj["registrations"]
    assert newest["end"] is None
    assert oldest["end"] == newest["start"]
    assert datetime.fromisoformat(oldest["start"]) < datetime.fromisoformat(newest["start"])
    data = await run(world, "__testing__address_registration", {"filter": {"uuids": [world["a_carl_phone"]]}})
    [obj] = data["addresses"]["objects"]
    assert [r["end"] for r in obj["registrations"]] == [None]


# ---------------------------------------------------------------------------
# Writes


@covers("__testing__itsystem_create", "__testing__itsystem_read")
async def test_itsystem_create(world: World) -> None:
    uuid = uuid_of("itsystem", 100)
    data = await run(
        world,
        "__testing__itsystem_create",
        {
            "input": {
                "uuid": uuid,
                "user_key": "SD",
                "name": "SD Løn",
                "validity": {"from": "2030-01-01"},
            }
        },
        now=None,
    )
    assert data == {"itsystem_create": {"uuid": uuid}}
    data = await run(world, "__testing__itsystem_read", {"filter": {"user_keys": ["SD"], **ALL_TIME}})
    assert validities(data) == [
        [{"uuid": uuid, "user_key": "SD", "name": "SD Løn", "validity": span("2030-01-01", None)}]
    ]
    # Without a uuid, one is made.
    data = await run(
        world,
        "__testing__itsystem_create",
        {"input": {"user_key": "OS2rollekatalog", "name": "Rollekatalog", "validity": {}}},
        now=None,
    )
    made = data["itsystem_create"]["uuid"]
    data = await run(world, "__testing__itsystem_read", {"filter": {"uuids": [made]}})
    assert validities(data) == [
        [{"uuid": made, "user_key": "OS2rollekatalog", "name": "Rollekatalog", "validity": span(None, None)}]
    ]


MANAGERS = """
query ($unit: UUID!) {
  managers(filter: {org_unit: {uuids: [$unit]}, from_date: null, to_date: null}) {
    objects { uuid validities {
      user_key person_response { uuid } org_unit_response { uuid } manager_type_response { uuid }
      manager_level_response { uuid } responsibility_uuids engagement_response { uuid } validity { from to }
    } }
  }
}
"""


@covers("__testing__manager_create")
async def test_manager_create(world: World) -> None:
    unit = await world.create(
        "org_unit",
        "testing_unit",
        {
            "name": "Testafdeling",
            "parent": world["root"],
            "org_unit_type": world["afdeling"],
            "validity": {"from": "2030-01-01"},
        },
    )
    uuid = uuid_of("manager", 100)
    data = await run(
        world,
        "__testing__manager_create",
        {
            "input": {
                "uuid": uuid,
                "user_key": "test-leder",
                "person": world["erik"],
                "org_unit": unit,
                "responsibility": [world["personale"]],
                "manager_type": world["leder"],
                "manager_level": world["niveau1"],
                "engagement": world["e_erik"],
                "validity": {"from": "2031-01-01", "to": "2040-01-01"},
            }
        },
        now=None,
    )
    assert data == {"manager_create": {"uuid": uuid}}
    data = await world.gql.ok(MANAGERS, {"unit": unit}, now=NOW)
    assert data["managers"]["objects"] == [
        {
            "uuid": uuid,
            "validities": [
                {
                    "user_key": "test-leder",
                    "person_response": {"uuid": world["erik"]},
                    "org_unit_response": {"uuid": unit},
                    "manager_type_response": {"uuid": world["leder"]},
                    "manager_level_response": {"uuid": world["niveau1"]},
                    "responsibility_uuids": [world["personale"]],
                    "engagement_response": {"uuid": world["e_erik"]},
                    "validity": span("2031-01-01", "2040-01-01"),
                }
            ],
        }
    ]
    # A vacant role: no person.
    data = await run(
        world,
        "__testing__manager_create",
        {
            "input": {
                "org_unit": unit,
                "responsibility": [],
                "manager_type": world["leder"],
                "manager_level": world["niveau1"],
                "validity": {"from": "2040-01-01"},
            }
        },
        now=None,
    )
    vacant = data["manager_create"]["uuid"]
    data = await world.gql.ok(MANAGERS, {"unit": unit}, now=NOW)
    assert [o["uuid"] for o in data["managers"]["objects"]] == sorted([uuid, vacant])
    [found] = [o for o in data["managers"]["objects"] if o["uuid"] == vacant]
    assert [(v["person_response"], v["responsibility_uuids"], v["validity"]) for v in found["validities"]] == [
        (None, [], span("2040-01-01", None)),
    ]


@covers("__testing__manager_create")
async def test_manager_create_outside_the_unit_is_refused(world: World) -> None:
    """The managed unit must be valid over the whole role: Lukket closed in 2020."""
    code = await world.refuse(
        OPS,
        "__testing__manager_create",
        {
            "input": {
                "person": world["erik"],
                "org_unit": world["closed"],
                "responsibility": [],
                "manager_type": world["leder"],
                "manager_level": world["niveau1"],
                "validity": {"from": "2019-01-01"},
            }
        },
    )
    assert code == "OUTSIDE_VALIDITY"


ROLEBINDINGS = """
query ($uuids: [UUID!]) {
  rolebindings(filter: {uuids: $uuids, from_date: null, to_date: null}) {
    objects {
      uuid
      validities {
        user_key ituser_response { uuid } role_response { uuid } org_unit_response { uuid } validity { from to }
      }
    }
  }
}
"""


@covers("__testing__rolebinding_create")
async def test_rolebinding_create(world: World) -> None:
    uuid = uuid_of("rolebinding", 100)
    data = await run(
        world,
        "__testing__rolebinding_create",
        {
            "input": {
                "uuid": uuid,
                "user_key": "bent-admin",
                "ituser": world["iu_bent_ad"],
                "role": world["ad_admin"],
                "org_unit": world["it"],
                "validity": {"from": "2035-01-01", "to": "2036-01-01"},
            }
        },
        now=None,
    )
    assert data == {"rolebinding_create": {"uuid": uuid}}
    data = await world.gql.ok(ROLEBINDINGS, {"uuids": [uuid]}, now=NOW)
    assert data["rolebindings"]["objects"] == [
        {
            "uuid": uuid,
            "validities": [
                {
                    "user_key": "bent-admin",
                    "ituser_response": {"uuid": world["iu_bent_ad"]},
                    "role_response": {"uuid": world["ad_admin"]},
                    "org_unit_response": {"uuid": world["it"]},
                    "validity": span("2035-01-01", "2036-01-01"),
                }
            ],
        }
    ]
    # Bent's account now has two roles today.
    data = await world.gql.ok(
        "query ($u: UUID!) { itusers(filter: {uuids: [$u]}) { objects { current { rolebindings { uuid } } } } }",
        {"u": world["iu_bent_ad"]},
        now=NOW,
    )
    assert data["itusers"]["objects"][0]["current"]["rolebindings"] == [
        {"uuid": world["rb_bent_reader"]},
        {"uuid": uuid},
    ]


@covers("__testing__person_update", "__testing__employee_read")
async def test_person_update(world: World) -> None:
    data = await run(
        world,
        "__testing__person_update",
        {
            "input": {
                "uuid": world["erik"],
                "nickname_given_name": "Rik",
                "validity": {"from": "2035-01-01"},
            }
        },
        now=None,
    )
    assert data == {"employee_update": {"uuid": world["erik"]}}
    erik = {
        "uuid": world["erik"],
        "user_key": "erik",
        "cpr_number": "0505754321",
        "given_name": "Erik",
        "surname": "Eriksen",
        "nickname_surname": None,
    }
    data = await run(world, "__testing__employee_read", {"filter": {"uuids": [world["erik"]], **ALL_TIME}})
    assert validities(data) == [[{**erik, "nickname_given_name": None}, {**erik, "nickname_given_name": "Rik"}]]
    # An update over a closed period splits; an explicit null clears the field there.
    await run(
        world,
        "__testing__person_update",
        {
            "input": {
                "uuid": world["erik"],
                "nickname_given_name": None,
                "surname": "Eriksson",
                "validity": {"from": "2036-01-01", "to": "2037-01-01"},
            }
        },
        now=None,
    )
    data = await world.gql.ok(
        "query ($u: UUID!) { employees(filter: {uuids: [$u], from_date: null, to_date: null}) "
        "{ objects { validities { surname nickname_given_name validity { from to } } } } }",
        {"u": world["erik"]},
        now=NOW,
    )
    assert data["employees"]["objects"][0]["validities"] == [
        {"surname": "Eriksen", "nickname_given_name": None, "validity": span(None, "2035-01-01")},
        {"surname": "Eriksen", "nickname_given_name": "Rik", "validity": span("2035-01-01", "2036-01-01")},
        {"surname": "Eriksson", "nickname_given_name": None, "validity": span("2036-01-01", "2037-01-01")},
        {"surname": "Eriksen", "nickname_given_name": "Rik", "validity": span("2037-01-01", None)},
    ]
