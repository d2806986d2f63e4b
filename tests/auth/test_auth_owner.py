"""The owner role writes only units and persons it owns, directly or through a unit above.

On SQLite and PostgreSQL, through HTTP with the owner's token. The owner owns the
unit "Skoler" (and so "Nordskolen" below it) and the person Anna, not the root
unit "Kommune" nor the person Bo.
"""

from __future__ import annotations

from typing import Any

import pytest
from authkit import ACCOUNTS, MO
from issuer import Issuer

from tests.conftest import Client
from tests.seed import ENGAGEMENT, PERSON, UNIT, Seed, create, engagement_input, seed

OWNER_ROW = "mutation ($i: OwnerCreateInput!) { owner_create(input: $i) { uuid } }"
UNIT_UPDATE = "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }"
PERSON_UPDATE = "mutation ($i: EmployeeUpdateInput!) { employee_update(input: $i) { uuid } }"
ENGAGEMENT_UPDATE = "mutation ($i: EngagementUpdateInput!) { engagement_update(input: $i) { uuid } }"
ENGAGEMENT_TERMINATE = "mutation ($i: EngagementTerminateInput!) { engagement_terminate(input: $i) { uuid } }"


@pytest.fixture
async def world(gql: Client) -> tuple[Seed, str]:
    s = await seed(gql)
    owner = str(ACCOUNTS["owner"].sub)
    await create(gql, PERSON, {"uuid": owner, "given_name": "Olga", "surname": "Owner"})
    await gql.ok(OWNER_ROW, {"i": {"org_unit": s.child, "owner": owner, "validity": {"from": "2010-01-01"}}})
    await gql.ok(OWNER_ROW, {"i": {"person": s.person, "owner": owner, "validity": {"from": "2010-01-01"}}})
    bo = await create(gql, PERSON, {"given_name": "Bo", "surname": "Berg"})
    return s, bo


@pytest.fixture
async def api(gql: Client, issuer: Issuer, tokens: dict[str, str]) -> Any:
    async with MO.running(gql.engine, issuer, tokens) as api:
        yield api


async def test_owner_writes_inside_their_subtree(api: MO, world: tuple[Seed, str]) -> None:
    s, _ = world
    await api.ok("owner", UNIT_UPDATE, {"i": {"uuid": s.child, "name": "Skolerne", "validity": {"from": "2026-01-01"}}})
    await api.ok(
        "owner", UNIT_UPDATE, {"i": {"uuid": s.grandchild, "name": "Nord", "validity": {"from": "2026-01-01"}}}
    )
    below = await api.ok(
        "owner",
        UNIT,
        {
            "input": {
                "name": "Ny",
                "parent": s.grandchild,
                "org_unit_type": s.unit_type,
                "validity": {"from": "2020-01-01"},
            }
        },
    )
    engagement = await api.ok("owner", ENGAGEMENT, {"input": engagement_input(s, s.grandchild, "2020-01-01")})
    uuid = engagement["engagement_create"]["uuid"]
    await api.ok("owner", ENGAGEMENT_UPDATE, {"i": {"uuid": uuid, "fraction": 50, "validity": {"from": "2021-01-01"}}})
    await api.ok("owner", ENGAGEMENT_TERMINATE, {"i": {"uuid": uuid, "to": "2027-01-01"}})
    await api.ok(
        "owner",
        PERSON_UPDATE,
        {"i": {"uuid": s.person, "nickname_given_name": "Annie", "validity": {"from": "2026-01-01"}}},
    )
    assert below["org_unit_create"]["uuid"]
    data = await api.ok(
        "admin", "query ($u: [ID!]) { registrations(filter: {uuids: $u}) { objects { actor } } }", {"u": [uuid]}
    )
    assert {r["actor"] for r in data["registrations"]["objects"]} == {str(ACCOUNTS["owner"].sub)}


async def test_owner_writes_outside_their_subtree_are_refused_and_write_nothing(
    api: MO, gql: Client, world: tuple[Seed, str]
) -> None:
    s, bo = world
    # Bo's engagements: Anna's would be the owner's through Anna, wherever they are.
    outside = await create(gql, ENGAGEMENT, {**engagement_input(s, s.root, "2020-01-01"), "person": bo})
    inside = await create(gql, ENGAGEMENT, {**engagement_input(s, s.child, "2020-01-01"), "person": bo})
    refused: dict[str, tuple[str, dict[str, Any]]] = {
        "rename the root": (UNIT_UPDATE, {"i": {"uuid": s.root, "name": "X", "validity": {"from": "2026-01-01"}}}),
        "a unit below the root": (
            UNIT,
            {
                "input": {
                    "name": "X",
                    "parent": s.root,
                    "org_unit_type": s.unit_type,
                    "validity": {"from": "2020-01-01"},
                }
            },
        ),
        "a root unit": (
            UNIT,
            {"input": {"name": "X", "org_unit_type": s.unit_type, "validity": {"from": "2020-01-01"}}},
        ),
        "move an owned unit out": (
            UNIT_UPDATE,
            {"i": {"uuid": s.grandchild, "parent": s.root, "validity": {"from": "2026-01-01"}}},
        ),
        "engage in the root": (ENGAGEMENT, {"input": {**engagement_input(s, s.root, "2020-01-01"), "person": bo}}),
        "change an engagement in the root": (
            ENGAGEMENT_UPDATE,
            {"i": {"uuid": outside, "fraction": 10, "validity": {"from": "2026-01-01"}}},
        ),
        "move an engagement out": (
            ENGAGEMENT_UPDATE,
            {"i": {"uuid": inside, "org_unit": s.root, "validity": {"from": "2026-01-01"}}},
        ),
        "terminate the root": (
            'mutation { org_unit_terminate(input: {uuid: "%s", to: "2027-01-01"}) { uuid } }' % s.root,
            {},
        ),
        "a person not owned": (PERSON_UPDATE, {"i": {"uuid": bo, "surname": "X", "validity": {"from": "2026-01-01"}}}),
        "delete a person not owned": ('mutation { employee_delete(uuid: "%s") { uuid } }' % bo, {}),
        "an owner row (no permission)": (
            OWNER_ROW,
            {"i": {"org_unit": s.root, "owner": str(ACCOUNTS["owner"].sub), "validity": {"from": "2020-01-01"}}},
        ),
    }
    before = await api.count("registration")
    for case, (document, variables) in refused.items():
        error = await api.forbidden("owner", document, variables)
        assert error["extensions"].get("scope") == "owner" or case == "an owner row (no permission)", (case, error)
    assert await api.count("registration") == before


async def test_ownership_is_judged_on_the_days_written(api: MO, gql: Client, world: tuple[Seed, str]) -> None:
    s, bo = world
    owner = str(ACCOUNTS["owner"].sub)
    await gql.ok(
        OWNER_ROW, {"i": {"person": bo, "owner": owner, "validity": {"from": "2010-01-01", "to": "2020-01-01"}}}
    )
    await api.ok(
        "owner",
        PERSON_UPDATE,
        {"i": {"uuid": bo, "surname": "Old", "validity": {"from": "2015-01-01", "to": "2016-01-01"}}},
    )
    await api.forbidden(
        "owner", PERSON_UPDATE, {"i": {"uuid": bo, "surname": "New", "validity": {"from": "2026-01-01"}}}
    )
    # Nordskolen is owned through Skoler, which exists from 2010: writes before that have no owner.
    await api.forbidden(
        "owner",
        UNIT_UPDATE,
        {"i": {"uuid": s.child, "name": "Early", "validity": {"from": "2005-01-01", "to": "2006-01-01"}}},
    )


async def test_another_owners_rows_do_not_count(api: MO, gql: Client, world: tuple[Seed, str]) -> None:
    s, bo = world
    await gql.ok(OWNER_ROW, {"i": {"org_unit": s.root, "owner": bo, "validity": {"from": "2000-01-01"}}})
    await api.forbidden("owner", UNIT_UPDATE, {"i": {"uuid": s.root, "name": "X", "validity": {"from": "2026-01-01"}}})
