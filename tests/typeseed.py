"""A small world for the per-type tests, written through the API in one request.

Everything the 15 object types refer to exists with a fixed uuid: a facet, a few
classes, units, persons, an engagement, an IT system and an IT user, valid from
2000 (facets, classes, persons and IT systems without a start). The ``LATE_*``
objects start only in 2020, for validity-cover errors.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Client


def uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


FACET = uid(1)
C0, C1, C2, C3 = uid(10), uid(11), uid(12), uid(13)
UNIT_A, UNIT_B, UNIT_C, UNIT_D, LATE_UNIT = uid(20), uid(21), uid(22), uid(23), uid(29)
PERSON_P, PERSON_Q, PERSON_R = uid(30), uid(31), uid(32)
ENGAGEMENT, LATE_ENGAGEMENT = uid(40), uid(49)
ITSYSTEM, LATE_ITSYSTEM = uid(50), uid(59)
ITUSER, LATE_ITUSER = uid(60), uid(69)
MISSING = "6d5c6f4f-0000-4000-8000-00000000dead"
"""A uuid no object has."""

WORLD_START = "2000-01-01"
LATE_START = "2020-01-01"

W = {"validity": {"from": WORLD_START}}
L = {"validity": {"from": LATE_START}}
OPEN: dict[str, Any] = {"validity": {}}
_engagement = {"person": PERSON_P, "org_unit": UNIT_A, "job_function": C0, "engagement_type": C0}
_ituser = {"itsystem": ITSYSTEM, "person": PERSON_P}

#: (GraphQL input type prefix, mutation prefix, input), in write order
# fmt: off
WORLD: list[tuple[str, str, dict[str, Any]]] = [
    ("Facet", "facet", {"uuid": FACET, "user_key": "kinds", **OPEN}),
    *(
        ("Class", "class", {"uuid": c, "user_key": f"c{n}", "name": f"C{n}", "facet_uuid": FACET, **OPEN})
        for n, c in enumerate((C0, C1, C2, C3))
    ),
    ("OrganisationUnit", "org_unit", {"uuid": UNIT_A, "name": "A", "org_unit_type": C0, **W}),
    *(
        ("OrganisationUnit", "org_unit", {"uuid": u, "name": n, "parent": UNIT_A, "org_unit_type": C0, **W})
        for u, n in ((UNIT_B, "B"), (UNIT_C, "C"), (UNIT_D, "D"))
    ),
    ("OrganisationUnit", "org_unit", {"uuid": LATE_UNIT, "name": "Late", "org_unit_type": C0, **L}),
    ("Employee", "employee", {"uuid": PERSON_P, "given_name": "Per", "surname": "P"}),
    ("Employee", "employee", {"uuid": PERSON_Q, "given_name": "Qia", "surname": "Q"}),
    ("Employee", "employee", {"uuid": PERSON_R, "given_name": "Rut", "surname": "R"}),
    ("Engagement", "engagement", {"uuid": ENGAGEMENT, **_engagement, **W}),
    ("Engagement", "engagement", {"uuid": LATE_ENGAGEMENT, **_engagement, **L}),
    ("ITSystem", "itsystem", {"uuid": ITSYSTEM, "user_key": "sys", "name": "System", **OPEN}),
    ("ITSystem", "itsystem", {"uuid": LATE_ITSYSTEM, "user_key": "late", "name": "Late", **L}),
    ("ITUser", "ituser", {"uuid": ITUSER, "user_key": "per", **_ituser, **W}),
    ("ITUser", "ituser", {"uuid": LATE_ITUSER, "user_key": "per2", **_ituser, **L}),
]
# fmt: on


async def create_all(gql: Client, objects: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Create ``objects`` (as in ``WORLD``, each with its uuid) in one request."""
    params = ", ".join(f"$w{n}: {kind}CreateInput!" for n, (kind, _, _) in enumerate(objects))
    fields = " ".join(f"w{n}: {prefix}_create(input: $w{n}) {{ uuid }}" for n, (_, prefix, _) in enumerate(objects))
    variables = {f"w{n}": data for n, (_, _, data) in enumerate(objects)}
    data = await gql.ok(f"mutation ({params}) {{ {fields} }}", variables)
    assert [data[f"w{n}"]["uuid"] for n in range(len(objects))] == [d["uuid"] for _, _, d in objects]


async def build_world(gql: Client, *more: tuple[str, str, dict[str, Any]]) -> None:
    """The world, and ``more`` objects written with it."""
    await create_all(gql, [*WORLD, *more])
