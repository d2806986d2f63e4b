"""Engagements: a person's employment in a unit."""

from __future__ import annotations

from typing import Annotated, Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.db.tables import TABLES
from mo.graphapi.collection import collection
from mo.graphapi.filters.apply import list_contains
from mo.graphapi.filters.inputs import EngagementBoundITUserFilter, OrgUnitboundmanagerfilter
from mo.graphapi.managers import managers_of
from mo.graphapi.records import Record
from mo.graphapi.relations import to_version
from mo.graphapi.response import Validity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import lazy
from mo.graphapi.types.fields import Rel, Reverse, object_type

PRIMARY_KEYS = frozenset({"primary", "explicitly-primary"})


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.field(
    description="Whether the engagement is primary: its primary class has user key `primary` or `explicitly-primary`."
)
async def _is_primary(self: Any, info: Info) -> bool:
    primary = await to_version(info, _rec(self), "class", "primary_uuid", required=True)
    return primary is not None and primary.values.get("user_key") in PRIMARY_KEYS


@strawberry.field(description="The engagement's IT accounts (those listing it among their engagements).")
async def _itusers_response(
    self: Any,
    info: Info,
    filter: Optional[EngagementBoundITUserFilter] = None,  # noqa: A002
    limit: Optional[LimitInt] = None,
    cursor: Optional[Cursor] = None,
) -> Annotated["ITUserResponsePaged", lazy("ituser")]:
    record = _rec(self)
    listed = list_contains("engagement_uuids")(None, TABLES["ituser"], [record.uuid], record.relation_window)  # type: ignore[arg-type]
    return await collection(info, "ituser", filter, limit, cursor, extra=[listed], default=record.relation_window)  # type: ignore[return-value]


@strawberry.field(description="The managers of the engagement's unit; `exclude_self` leaves out the engagement's person.")
async def _managers(
    self: Any,
    info: Info,
    filter: Optional[OrgUnitboundmanagerfilter] = None,  # noqa: A002
    inherit: bool = False,
    exclude_self: bool = False,
) -> list[Annotated["Manager", lazy("manager")]]:
    record = _rec(self)
    unit = await to_version(info, record, "org_unit", "org_unit_uuid")
    if unit is None:
        return []
    exclude = record.values["person_uuid"] if exclude_self else None
    return await managers_of(info, unit, filter, inherit=inherit, exclude=exclude)  # type: ignore[return-value]


Engagement = object_type(
    "Engagement",
    "A person's employment in an organisation unit.",
    __name__,
    {
        "uuid": (UUID, "The engagement's uuid."),
        "user_key": (str, "A short key, often the employee number."),
        "fraction": (Optional[int], "The engagement's share of full time."),
        **{f"extension_{n}": (Optional[str], f"Free-form extension field {n}.") for n in range(1, 11)},
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("person", "person_uuid", "person", "The person employed.", required=True, uuid_field="employee_uuid", aliases=("employee",)),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit of the engagement.", required=True, uuid_field="org_unit_uuid"),
        Rel("engagement_type", "engagement_type_uuid", "class", "The kind of engagement.", required=True, old="one", uuid_field="engagement_type_uuid"),
        Rel("job_function", "job_function_uuid", "class", "The job function.", required=True, old="one", uuid_field="job_function_uuid"),
        Rel("primary", "primary_uuid", "class", "How the engagement is primary, if it is.", old="one", old_required=False, uuid_field="primary_uuid"),
        Rel("leave", "leave_uuid", "leave", "The leave the engagement is on, if any.", old="one", old_required=False, uuid_field="leave_uuid"),
        Reverse("addresses", "address", "engagement_uuid", "EngagementBoundAddressFilter", "The engagement's addresses.", old=False),
    ],
    extra={"is_primary": _is_primary, "itusers_response": _itusers_response, "managers": _managers},
    kind="engagement",
)

EngagementResponse, EngagementResponsePaged, EngagementResponseRegistration = response_types(
    "engagement", Engagement, "Engagement", "engagement"
)
