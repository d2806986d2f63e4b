"""The permission matrix: per role, which reads and writes are allowed, through HTTP.

Each role's token (from the stand-in Keycloak) runs every operation of ``OPERATIONS``
against the real endpoint. An allowed operation answers without errors; a denied
one answers ``FORBIDDEN`` naming the missing permission, and writes nothing.
The expected outcomes are written out by hand here, independently of the rules
in ``mo.auth.permissions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from authkit import ACCOUNTS, MO

from tests.conftest import Client
from tests.seed import CLASS, FACET, PERSON, Seed, create, seed

ROLES = ("admin", "reader", "owner", "hr", "manager", "monitoring", "nobody", "ad", "fk-org", "role-catalogue")
READERS = {"admin", "reader", "owner", "hr", "manager", "ad", "fk-org", "role-catalogue"}
SERVICES = {"ad", "fk-org", "role-catalogue"}
BASIC = READERS | {"monitoring"}
CPR_READERS = {"admin", "hr", "ad", "fk-org"}


@dataclass
class World:
    seed: Seed
    facet: str
    itsystem: str
    ituser: str
    role_class: str


@dataclass(frozen=True)
class Op:
    document: str
    variables: Callable[[World, str], dict[str, Any]]
    allowed: frozenset[str]
    permission: str
    write: bool = False


def op(
    document: str, allowed: set[str], permission: str, variables: Callable[[World, str], dict[str, Any]] | None = None
) -> Op:
    return Op(
        document, variables or (lambda w, who: {}), frozenset(allowed), permission, document.startswith("mutation")
    )


def cpr_of(who: str) -> str:
    return f"0101{90}{ROLES.index(who):04d}"


OPERATIONS: dict[str, Op] = {
    # Reads
    "org_units": op("query { org_units { objects { uuid } } }", READERS, "read_org_units"),
    "persons": op("query { persons { objects { uuid current { given_name } } } }", READERS, "read_persons"),
    "employees": op("query { employees { objects { uuid } } }", READERS, "read_persons"),
    "engagements": op("query { engagements { objects { uuid } } }", READERS, "read_engagements"),
    "classes": op("query { classes { objects { uuid } } }", READERS, "read_classes"),
    "facets": op("query { facets { objects { uuid } } }", READERS, "read_facets"),
    "itusers": op("query { itusers { objects { uuid } } }", READERS, "read_itusers"),
    "owners": op("query { owners { objects { uuid } } }", READERS, "read_owners"),
    "managers": op("query { managers { objects { uuid } } }", READERS, "read_managers"),
    "registrations": op("query { registrations(limit: 1) { objects { uuid } } }", READERS, "read_registrations"),
    "events": op("query { events { objects { subject } } }", READERS, "read_events"),
    "event_listeners": op("query { event_listeners { objects { uuid } } }", READERS, "read_event_listeners"),
    "access_log": op("query { access_log { objects { id } } }", {"admin"}, "read_access_log"),
    "me": op("query { me { roles } }", BASIC, "read_me"),
    "version": op("query { version { mo_version } }", BASIC, "read_version"),
    "cpr filter": op(
        "query ($c: [CPR!]) { persons(filter: {cpr_numbers: $c}) { objects { uuid } } }",
        CPR_READERS,
        "read_persons read_cpr",
        lambda w, who: {"c": ["0101801234"]},
    ),
    "cpr filter nested": op(
        'query { engagements(filter: {employee: {cpr_numbers: ["0101801234"]}}) { objects { uuid } } }',
        CPR_READERS,
        "read_engagements read_cpr",
    ),
    # Writes
    "facet_create": op(
        "mutation ($k: String!) { facet_create(input: {user_key: $k, validity: {}}) { uuid } }",
        {"admin"},
        "create_facet",
        lambda w, who: {"k": f"facet-{who}"},
    ),
    "class_create": op(
        "mutation ($f: UUID!, $k: String!) { class_create(input: {user_key: $k, name: $k, facet_uuid: $f, validity: {}}) { uuid } }",
        {"admin"},
        "create_class",
        lambda w, who: {"f": w.facet, "k": f"class-{who}"},
    ),
    "itsystem_create": op(
        "mutation ($k: String!) { itsystem_create(input: {user_key: $k, name: $k, validity: {}}) { uuid } }",
        {"admin"},
        "create_itsystem",
        lambda w, who: {"k": f"system-{who}"},
    ),
    "employee_create": op(
        'mutation ($n: String!) { employee_create(input: {given_name: $n, surname: "Test"}) { uuid } }',
        {"admin", "hr", "ad"},  # the owner has the permission, but a new person is nobody's yet
        "create_person",
        lambda w, who: {"n": who},
    ),
    "employee_create with CPR": op(
        'mutation ($n: String!, $c: CPR!) { employee_create(input: {given_name: $n, surname: "C", cpr_number: $c}) { uuid } }',
        {"admin", "hr", "ad"},
        "create_person read_cpr",  # setting a CPR number needs both
        lambda w, who: {"n": who, "c": cpr_of(who)},
    ),
    "engagement_create in an owned unit": op(
        "mutation ($i: EngagementCreateInput!) { engagement_create(input: $i) { uuid } }",
        {"admin", "hr", "ad", "owner"},
        "create_engagement",
        lambda w, who: {
            "i": {
                "person": w.seed.person,
                "org_unit": w.seed.child,
                "job_function": w.seed.job_function,
                "engagement_type": w.seed.engagement_type,
                "user_key": f"engagement-{who}",
                "validity": {"from": "2020-01-01"},
            }
        },
    ),
    "org_unit_create below an owned unit": op(
        "mutation ($i: OrganisationUnitCreateInput!) { org_unit_create(input: $i) { uuid } }",
        {"admin", "owner"},
        "create_org_unit",
        lambda w, who: {
            "i": {
                "name": f"unit-{who}",
                "parent": w.seed.child,
                "org_unit_type": w.seed.unit_type,
                "validity": {"from": "2015-01-01"},
            }
        },
    ),
    "ituser_create": op(
        "mutation ($i: ITUserCreateInput!) { ituser_create(input: $i) { uuid } }",
        {"admin", "hr", "ad"},  # the owner has the permission but owns no person: FORBIDDEN by scope
        "create_ituser",
        lambda w, who: {
            "i": {
                "user_key": f"account-{who}",
                "itsystem": w.itsystem,
                "person": w.seed.person,
                "validity": {"from": "2020-01-01"},
            }
        },
    ),
    "rolebinding_create": op(
        "mutation ($i: RoleBindingCreateInput!) { rolebinding_create(input: $i) { uuid } }",
        {"admin", "role-catalogue"},
        "create_rolebinding",
        lambda w, who: {
            "i": {
                "user_key": f"binding-{who}",
                "ituser": w.ituser,
                "role": w.role_class,
                "validity": {"from": "2020-01-01"},
            }
        },
    ),
    "owner_create": op(
        "mutation ($i: OwnerCreateInput!) { owner_create(input: $i) { uuid } }",
        {"admin"},
        "create_owner",
        lambda w, who: {
            "i": {
                "org_unit": w.seed.root,
                "owner": w.seed.person,
                "user_key": f"owner-{who}",
                "validity": {"from": "2020-01-01"},
            }
        },
    ),
    "org_create": op("mutation { org_create(input: {municipality_code: 101}) { uuid } }", {"admin"}, "create_org"),
    "employee_refresh": op(
        "mutation { employee_refresh(limit: 1) { objects } }", {"admin"} | SERVICES, "refresh_person"
    ),
    "event_listener_declare": op(
        'mutation ($k: String!) { event_listener_declare(input: {user_key: $k, routing_key: "person"}) { uuid } }',
        {"admin"} | SERVICES,
        "declare_event_listener",
        lambda w, who: {"k": f"listener-{who}"},
    ),
    "event_silence": op(
        'mutation { event_silence(input: {listeners: {}, subjects: ["nothing"]}) }', {"admin"}, "silence_event"
    ),
}


#: Refused although the role has the permission: the owner writes only what it owns.
SCOPED_REFUSALS = {("owner", "ituser_create"), ("owner", "employee_create")}


async def build(admin: Client) -> World:
    s = await seed(admin)
    facet = await create(admin, FACET, {"user_key": "roles", "validity": {}})
    role_class = await create(admin, CLASS, {"user_key": "role", "name": "Role", "facet_uuid": facet, "validity": {}})
    system = await admin.ok('mutation { itsystem_create(input: {user_key: "AD", name: "AD", validity: {}}) { uuid } }')
    itsystem = system["itsystem_create"]["uuid"]
    account = await admin.ok(
        "mutation ($i: ITUserCreateInput!) { ituser_create(input: $i) { uuid } }",
        {"i": {"user_key": "anna", "itsystem": itsystem, "person": s.person, "validity": {"from": "2020-01-01"}}},
    )
    # The owner account is a person who owns the unit "Skoler" (s.child) and so everything below it.
    owner = str(ACCOUNTS["owner"].sub)
    await create(admin, PERSON, {"uuid": owner, "given_name": "Olga", "surname": "Owner"})
    await admin.ok(
        "mutation ($i: OwnerCreateInput!) { owner_create(input: $i) { uuid } }",
        {"i": {"org_unit": s.child, "owner": owner, "validity": {"from": "2010-01-01"}}},
    )
    return World(s, facet, itsystem, account["ituser_create"]["uuid"], role_class)


@pytest.mark.parametrize("who", ROLES)
async def test_permission_matrix(mo: MO, admin: Client, who: str) -> None:
    world = await build(admin)
    mistakes = []
    for name, operation in OPERATIONS.items():
        before = await mo.count("registration")
        body = await mo.gql(who, operation.document, operation.variables(world, who))
        errors = body.get("errors")
        if who in operation.allowed:
            if errors:
                mistakes.append(f"{who} {name}: expected allowed, got {errors[0]['message']}")
            continue
        if not errors or errors[0]["extensions"].get("code") != "FORBIDDEN":
            mistakes.append(f"{who} {name}: expected FORBIDDEN, got {body}")
            continue
        if operation.write:
            assert body["data"] is None
            if await mo.count("registration") != before:
                mistakes.append(f"{who} {name}: refused, but something was written")
        extensions = errors[0]["extensions"]
        if (who, name) in SCOPED_REFUSALS:
            if extensions.get("scope") != "owner":
                mistakes.append(f"{who} {name}: expected the owner scope's refusal, got {errors[0]}")
        elif extensions.get("permission") not in operation.permission.split():
            mistakes.append(
                f"{who} {name}: refused for {extensions.get('permission')}, expected {operation.permission}"
            )
        elif extensions["permission"] not in errors[0]["message"]:
            mistakes.append(f"{who} {name}: the message does not name the permission: {errors[0]}")
    assert not mistakes, "\n".join(mistakes)


@pytest.mark.parametrize("who", ["admin", "hr", "ad", "fk-org", "reader", "manager", "owner", "role-catalogue"])
async def test_cpr_numbers_are_read_only_with_read_cpr(mo: MO, admin: Client, who: str) -> None:
    await seed(admin)  # Anna Jensen, 0101801234
    data = await mo.ok(who, "query { persons { objects { current { given_name cpr_number cpr_no } } } }")
    [anna] = [p["current"] for p in data["persons"]["objects"]]
    number = "0101801234" if who in CPR_READERS else None
    assert anna == {"given_name": "Anna", "cpr_number": number, "cpr_no": number}
