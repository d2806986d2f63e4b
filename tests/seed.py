"""A tiny organisation built through the API, for tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.conftest import Client

FACET = "mutation ($input: FacetCreateInput!) { facet_create(input: $input) { uuid } }"
CLASS = "mutation ($input: ClassCreateInput!) { class_create(input: $input) { uuid } }"
UNIT = "mutation ($input: OrganisationUnitCreateInput!) { org_unit_create(input: $input) { uuid } }"
PERSON = "mutation ($input: EmployeeCreateInput!) { employee_create(input: $input) { uuid } }"
ENGAGEMENT = "mutation ($input: EngagementCreateInput!) { engagement_create(input: $input) { uuid } }"


@dataclass
class Seed:
    unit_type: str
    job_function: str
    engagement_type: str
    root: str
    child: str
    grandchild: str
    person: str


async def create(gql: Client, mutation: str, data: dict[str, Any]) -> str:
    result = await gql.ok(mutation, {"input": data})
    [value] = result.values()
    return str(value["uuid"])


async def seed(gql: Client) -> Seed:
    unit_types = await create(gql, FACET, {"user_key": "org_unit_type", "validity": {}})
    jobs = await create(gql, FACET, {"user_key": "job_function", "validity": {}})
    kinds = await create(gql, FACET, {"user_key": "engagement_type", "validity": {}})
    unit_type = await create(gql, CLASS, {"user_key": "dept", "name": "Afdeling", "facet_uuid": unit_types, "validity": {}})
    job = await create(gql, CLASS, {"user_key": "teacher", "name": "Lærer", "facet_uuid": jobs, "validity": {}})
    kind = await create(gql, CLASS, {"user_key": "employed", "name": "Ansat", "facet_uuid": kinds, "validity": {}})
    root = await create(gql, UNIT, {"name": "Kommune", "org_unit_type": unit_type, "validity": {"from": "2000-01-01"}})
    child = await create(
        gql, UNIT, {"name": "Skoler", "parent": root, "org_unit_type": unit_type, "validity": {"from": "2010-01-01"}}
    )
    grandchild = await create(
        gql,
        UNIT,
        {"name": "Nordskolen", "parent": child, "org_unit_type": unit_type, "validity": {"from": "2012-01-01", "to": "2030-01-01"}},
    )
    person = await create(gql, PERSON, {"given_name": "Anna", "surname": "Jensen", "cpr_number": "0101801234"})
    return Seed(unit_type, job, kind, root, child, grandchild, person)


def engagement_input(s: Seed, unit: str, start: str, end: str | None = None) -> dict[str, Any]:
    return {
        "person": s.person,
        "org_unit": unit,
        "job_function": s.job_function,
        "engagement_type": s.engagement_type,
        "validity": {"from": start, "to": end},
    }
