"""Bad input to every mutation family of every type: a coded error naming the
field at fault, and nothing written.

Per type: a good create input (``good``), an existing object (``existing``:
in the world, or written with it from ``good`` but from 2000) and the bad
inputs. Each bad input runs in its own request against the same world; a
type's test lists every case that went wrong, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text

from tests.conftest import Client
from tests.typeseed import (
    C0,
    C1,
    ENGAGEMENT,
    FACET,
    ITSYSTEM,
    ITUSER,
    LATE_ENGAGEMENT,
    LATE_ITSYSTEM,
    LATE_ITUSER,
    LATE_UNIT,
    MISSING,
    PERSON_P,
    PERSON_Q,
    UNIT_A,
    UNIT_B,
    UNIT_C,
    UNIT_D,
    build_world,
    uid,
)

FROM = {"from": "2010-01-01"}
V = {"validity": FROM}
BACKWARDS = {"from": "2010-01-01", "to": "2009-01-01"}
EMPTY = {"from": "2010-01-01", "to": "2010-01-01"}
NOON = {"from": "2010-01-01T12:00:00+01:00"}
MORNING = "2020-01-01T06:00:00+01:00"
LATER = "2021-01-01"
END = "2020-01-01"
UTC_MIDNIGHT_TO = {"from": "2010-01-01", "to": "2011-01-01T00:00:00Z"}
"""UTC midnight is 01:00 in Copenhagen."""
DELETED = uid(899)
"""An object each test creates and deletes."""
NF, OV, REQ, DEP = "NOT_FOUND", "OUTSIDE_VALIDITY", "REQUIRED_FIELD", "HAS_DEPENDENTS"
BAD_INTERVAL, BAD_DATE, EXISTS, VTO = "INVALID_INTERVAL", "INVALID_DATE", "ALREADY_EXISTS", "validity.to"


@dataclass(frozen=True)
class Bad:
    what: str
    op: str
    """create, update, terminate, delete (or the whole mutation name)."""
    data: Any
    code: str
    field: str | None
    mention: str | None = None
    """A uuid the message must name."""


@dataclass(frozen=True)
class Type:
    prefix: str
    name: str
    """GraphQL name stem of the inputs."""
    good: dict[str, Any]
    """A valid create input, without uuid."""
    existing: str
    own: bool = True
    """Whether ``existing`` is created from ``good`` for the test (else it is in the world)."""
    replace: bool = False
    """Update inputs carry the whole version (facets, classes)."""
    cases: tuple[Bad, ...] = ()

    def document(self, op: str) -> str:
        if op in UNIT_DOCS:
            return UNIT_DOCS[op]
        if op == "delete":
            return f"mutation ($input: UUID!) {{ {self.prefix}_delete(uuid: $input) {{ uuid }} }}"
        if "_" in op:
            return f"mutation ($input: {self.name}Input!) {{ {op}(input: $input) {{ uuid }} }}"
        return f"mutation ($input: {self.name}{op.title()}Input!) {{ {self.prefix}_{op}(input: $input) {{ uuid }} }}"

    @property
    def keep(self) -> dict[str, Any]:
        """What every update input must carry."""
        return {k: v for k, v in self.good.items() if k != "validity"} if self.replace else {}


def common(t: Type, changed: dict[str, Any]) -> tuple[Bad, ...]:
    """Cases of every type; ``changed`` makes ``good`` differ from ``existing``."""
    x, keep, good = t.existing, t.keep, t.good
    dated = [  # persons are created without a validity
        Bad("create: to before from", "create", {**good, "validity": BACKWARDS}, BAD_INTERVAL, VTO),
        Bad("create: to equal to from", "create", {**good, "validity": EMPTY}, BAD_INTERVAL, VTO),
        Bad("create: from not a local midnight", "create", {**good, "validity": NOON}, BAD_DATE, "validity.from"),
    ]
    return (
        *(dated if "validity" in good else []),
        Bad("create: existing uuid, other content", "create", {**good, **changed, "uuid": x}, EXISTS, "uuid"),
        Bad("update: unknown uuid", "update", {**keep, "uuid": MISSING, **V}, NF, "uuid"),
        Bad("update: to before from", "update", {**keep, "uuid": x, "validity": BACKWARDS}, BAD_INTERVAL, VTO),
        Bad("update: to at UTC midnight", "update", {**keep, "uuid": x, "validity": UTC_MIDNIGHT_TO}, BAD_DATE, VTO),
        Bad("terminate: unknown uuid", "terminate", {"uuid": MISSING, "to": END}, NF, "uuid"),
        Bad("terminate: from after to", "terminate", {"uuid": x, "from": LATER, "to": END}, BAD_INTERVAL, "to"),
        Bad("terminate: to not a local midnight", "terminate", {"uuid": x, "to": MORNING}, BAD_DATE, "to"),
        Bad("terminate: from not a midnight", "terminate", {"uuid": x, "from": MORNING, "to": LATER}, BAD_DATE, "from"),
        Bad("delete: unknown uuid", "delete", MISSING, NF, "uuid"),
    )


UNIT_DOCS = {
    "unit terminate": (
        "mutation ($input: OrganisationUnitTerminateInput!) { org_unit_terminate(input: $input) { uuid } }"
    ),
    "unit delete": "mutation ($input: UUID!) { org_unit_delete(uuid: $input) { uuid } }",
}


def in_unit(x: str) -> tuple[Bad, ...]:
    """``x`` needs its unit (``UNIT_C``) all along: the unit cannot end or go while ``x`` is in it."""
    return (
        Bad("its unit terminated", "unit terminate", {"uuid": UNIT_C, "to": END}, DEP, "uuid", mention=x),
        Bad("its unit deleted", "unit delete", UNIT_C, DEP, "uuid", mention=x),
    )


def gone(t: Type) -> tuple[Bad, ...]:
    """Writes to a deleted object: it is not found."""
    return (
        Bad("update: deleted object", "update", {**t.keep, "uuid": DELETED, **V}, NF, "uuid"),
        Bad("terminate: deleted object", "terminate", {"uuid": DELETED, "to": END}, NF, "uuid"),
        Bad("delete: deleted object", "delete", DELETED, NF, "uuid"),
    )


def typ(
    prefix: str,
    name: str,
    good: dict[str, Any],
    existing: str,
    changed: dict[str, Any],
    *cases: Bad,
    own: bool = True,
    replace: bool = False,
) -> Type:
    t = Type(prefix, name, good, existing, own, replace)
    return Type(prefix, name, good, existing, own, replace, (*common(t, changed), *cases))


def create(what: str, good: dict[str, Any], code: str, field: str, **changes: Any) -> Bad:
    """A create: ``good`` with ``changes``; a change to ``None`` leaves the field out."""
    data = {k: v for k, v in {**good, **changes}.items() if v is not None}
    return Bad(f"create: {what}", "create", data, code, field)


def update(what: str, x: str, code: str, field: str, **changes: Any) -> Bad:
    return Bad(f"update: {what}", "update", {"uuid": x, **V, **changes}, code, field)


KINDS = ("address", "association", "leave", "manager", "rolebinding", "kle", "owner")
X = {n: uid(800 + i) for i, n in enumerate(KINDS)}
X_UNIT, X_ITUSER, X_ENG = uid(807), uid(808), uid(809)

CLASS = {"user_key": "new", "name": "New", "facet_uuid": FACET, "validity": {}}
UNIT = {"name": "New", "parent": UNIT_A, "org_unit_type": C0, **V}
ENG = {"person": PERSON_P, "org_unit": UNIT_C, "job_function": C0, "engagement_type": C0, **V}
ADDRESS = {"value": "a@example.dk", "address_type": C0, "person": PERSON_P, **V}
ASSOCIATION = {"person": PERSON_P, "org_unit": UNIT_C, "association_type": C0, **V}
LEAVE = {"person": PERSON_P, "engagement": ENGAGEMENT, "leave_type": C0, **V}
MANAGER = {"person": PERSON_P, "org_unit": UNIT_C, "responsibility": [C0], "manager_level": C0, "manager_type": C0, **V}
ITUSER_ = {"user_key": "acct", "itsystem": ITSYSTEM, "person": PERSON_P, "org_unit": UNIT_C, **V}
ROLE = {"ituser": ITUSER, "role": C0, "org_unit": UNIT_C, **V}
KLE = {"org_unit": UNIT_A, "kle_number": C0, "kle_aspects": [C0], **V}
OWNER = {"org_unit": UNIT_A, "owner": PERSON_P, **V}
RELATE = {"origin": UNIT_B, "destination": [UNIT_D], **V}

# fmt: off
TYPES = [
    typ("facet", "Facet", {"user_key": "new", "validity": {}}, FACET, {}, own=False, replace=True),
    typ(
        "class", "Class", CLASS, C0, {},
        create("unknown facet", CLASS, NF, "facet_uuid", facet_uuid=MISSING),
        update("unknown parent", C0, NF, "parent_uuid", **{**CLASS, "validity": FROM}, parent_uuid=MISSING),
        own=False, replace=True,
    ),
    typ(
        "org_unit", "OrganisationUnit", UNIT, X_UNIT, {"name": "Other"},
        create("unknown parent", UNIT, NF, "parent", parent=MISSING),
        create("unknown unit type", UNIT, NF, "org_unit_type", org_unit_type=MISSING),
        create("parent starts later", UNIT, OV, "parent", parent=LATE_UNIT),
        update("required name cleared", X_UNIT, REQ, "name", name=None),
        update("moved below a unit starting later", X_UNIT, OV, "parent", parent=LATE_UNIT),
        Bad("terminate: unit with engagements, children", "terminate", {"uuid": UNIT_A, "to": END}, DEP, "uuid"),
        Bad("delete: unit with engagements and children", "delete", UNIT_A, DEP, "uuid"),
    ),
    typ(
        "employee", "Employee", {"given_name": "New", "surname": "Person"}, PERSON_Q, {},
        update("required surname cleared", PERSON_Q, REQ, "surname", surname=None),
        own=False,
    ),
    typ(
        "engagement", "Engagement", ENG, X_ENG, {},
        create("person left out", ENG, REQ, "person", person=None),
        create("unknown job function", ENG, NF, "job_function", job_function=MISSING),
        create("unit starts later", ENG, OV, "org_unit", org_unit=LATE_UNIT),
        update("unknown person", X_ENG, NF, "person", person=MISSING),
        update("required job function cleared", X_ENG, REQ, "job_function", job_function=None),
        update("extended to before its unit's start", X_ENG, OV, "org_unit", validity={"from": "1990-01-01"}),
        *in_unit(X_ENG),
    ),
    typ(
        "address", "Address", ADDRESS, X["address"], {},
        create("unknown address type", ADDRESS, NF, "address_type", address_type=MISSING),
        create("unit starts later", ADDRESS, OV, "org_unit", person=None, org_unit=LATE_UNIT),
        update("required value cleared", X["address"], REQ, "value", value=None),
        update("unknown engagement", X["address"], NF, "engagement", engagement=MISSING),
    ),
    typ(
        "association", "Association", ASSOCIATION, X["association"], {},
        create("unknown person", ASSOCIATION, NF, "person", person=MISSING),
        create("unit starts later", ASSOCIATION, OV, "org_unit", org_unit=LATE_UNIT),
        update("required unit cleared", X["association"], REQ, "org_unit", org_unit=None),
        update("unknown substitute", X["association"], NF, "substitute", substitute=MISSING),
        *in_unit(X["association"]),
    ),
    typ(
        "leave", "Leave", LEAVE, X["leave"], {"leave_type": C1},
        create("unknown leave type", LEAVE, NF, "leave_type", leave_type=MISSING),
        create("engagement starts later", LEAVE, OV, "engagement", engagement=LATE_ENGAGEMENT),
        update("required leave type cleared", X["leave"], REQ, "leave_type", leave_type=None),
    ),
    typ(
        "manager", "Manager", MANAGER, X["manager"], {"manager_level": C1},
        create("unknown responsibility", MANAGER, NF, "responsibility", responsibility=[C0, MISSING]),
        create("unit starts later", MANAGER, OV, "org_unit", org_unit=LATE_UNIT),
        update("required unit cleared", X["manager"], REQ, "org_unit", org_unit=None),
        *in_unit(X["manager"]),
    ),
    typ(
        "itsystem", "ITSystem", {"user_key": "new", "name": "New", "validity": {}}, ITSYSTEM, {},
        update("required name cleared", ITSYSTEM, REQ, "name", name=None),
        Bad("terminate: IT system with IT users", "terminate", {"uuid": ITSYSTEM, "to": END}, DEP, "uuid"),
        Bad("delete: IT system with IT users", "delete", ITSYSTEM, DEP, "uuid"),
        own=False,
    ),
    typ(
        "ituser", "ITUser", ITUSER_, X_ITUSER, {"user_key": "other"},
        create("unknown IT system", ITUSER_, NF, "itsystem", itsystem=MISSING),
        create("IT system starts later", ITUSER_, OV, "itsystem", itsystem=LATE_ITSYSTEM),
        update("required IT system cleared", X_ITUSER, REQ, "itsystem", itsystem=None),
        update("unknown engagements", X_ITUSER, NF, "engagements", engagements=[ENGAGEMENT, MISSING]),
        *in_unit(X_ITUSER),
    ),
    typ(
        "rolebinding", "RoleBinding", ROLE, X["rolebinding"], {"role": C1},
        create("unknown role", ROLE, NF, "role", role=MISSING),
        create("IT user starts later", ROLE, OV, "ituser", ituser=LATE_ITUSER),
        update("required role cleared", X["rolebinding"], REQ, "role", role=None),
        *in_unit(X["rolebinding"]),
    ),
    typ(
        "kle", "KLE", KLE, X["kle"], {"kle_number": C1},
        create("unknown aspect", KLE, NF, "kle_aspects", kle_aspects=[MISSING]),
        create("unit starts later", KLE, OV, "org_unit", org_unit=LATE_UNIT),
        update("required KLE number cleared", X["kle"], REQ, "kle_number", kle_number=None),
    ),
    typ(
        "owner", "Owner", OWNER, X["owner"], {"owner": PERSON_Q},
        create("unknown owner", OWNER, NF, "owner", owner=MISSING),
        create("unit starts later", OWNER, OV, "org_unit", org_unit=LATE_UNIT),
        update("unknown person", X["owner"], NF, "person", person=MISSING),
    ),
    Type(
        "related_units", "RelatedUnitsUpdate", {}, UNIT_B, own=False,
        cases=tuple(
            Bad(what, "related_units_update", {**RELATE, **data}, code, field)
            for what, data, code, field in [
                ("unknown origin", {"origin": MISSING}, NF, "origin"),
                ("unknown destination", {"destination": [UNIT_D, MISSING]}, NF, "destination"),
                ("destination starts later", {"destination": [LATE_UNIT]}, OV, "destination"),
                ("to before from", {"validity": BACKWARDS}, BAD_INTERVAL, VTO),
                ("from not a local midnight", {"validity": NOON}, BAD_DATE, "validity.from"),
            ]
        ),
    ),
]
# fmt: on


async def written(gql: Client) -> tuple[int, int]:
    """How many registrations, and registered objects, there are."""
    async with gql.engine.connect() as conn:
        row = (await conn.execute(text(COUNTS))).one()
    return int(row[0]), int(row[1])


COUNTS = "SELECT (SELECT count(*) FROM registration), (SELECT count(*) FROM registration_object)"


async def refused(gql: Client, t: Type, cases: tuple[Bad, ...]) -> list[str]:
    """Run each case in its own request; describe those not refused as expected."""
    failures = []
    for case in cases:
        before = await written(gql)
        body = await gql(t.document(case.op), {"input": case.data})
        error = (body.get("errors") or [{}])[0]
        ext = error.get("extensions", {})
        got = (ext.get("code"), ext.get("field"), body.get("data"))
        after = await written(gql)
        message = error.get("message", "")
        named = case.mention is None or case.mention in message
        if got != (case.code, case.field, None) or after != before or not message or not named:
            failures.append(
                f"{t.prefix} {case.what}: expected {case.code}/{case.field}, got {got[:2]}"
                f" {message[:200]!r}"
                + ("" if named else f"; the message does not name {case.mention}")
                + (f"; wrote {before} -> {after}" if after != before else "")
            )
    return failures


@pytest.mark.parametrize("t", TYPES, ids=lambda t: t.prefix)
async def test_bad_input_gets_a_coded_error_and_writes_nothing(gql: Client, t: Type) -> None:
    changed = {"validity": {"from": "2000-01-01"}} if "validity" in t.good else {}
    existing = [(t.name, t.prefix, {**t.good, **changed, "uuid": t.existing})] if t.own else []
    await build_world(gql, *existing)
    failures = await refused(gql, t, t.cases)

    # repeating the identical creates is no error and writes nothing
    before = await written(gql)
    await build_world(gql, *existing)
    assert await written(gql) == before

    if t.prefix != "related_units":  # relations are only set, never deleted, by the API
        await gql.ok(t.document("create"), {"input": {**t.good, "uuid": DELETED}})
        await gql.ok(t.document("delete"), {"input": DELETED})
        failures += await refused(gql, t, gone(t))
    assert not failures, "\n".join(failures)
