"""Organisation units: the tree of the organisation."""

from __future__ import annotations

from typing import Annotated, Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.filters.inputs import OrgUnitboundmanagerfilter, OrgUnitboundownerfilter, ParentBoundOrganisationUnitFilter
from mo.graphapi.managers import managers_of
from mo.graphapi.records import Record, ResponseValue
from mo.graphapi.relations import page_of, referring, referring_versions, to_version
from mo.graphapi.response import Validity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import RESPONSE_DEPRECATION, lazy
from mo.graphapi.types.fields import Rel, Reverse, object_type

MAX_DEPTH = 100


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


async def ancestors_of(info: Info, record: Record) -> list[Record]:
    """The units above ``record``, nearest first, as of the start of its window."""
    result: list[Record] = []
    seen = {record.uuid}
    while len(result) < MAX_DEPTH:
        parent = await to_version(info, record, "org_unit", "parent_uuid")
        if parent is None or parent.uuid in seen:
            break
        seen.add(parent.uuid)
        result.append(parent)
        record = parent
    return result


@strawberry.field(description="The units above this one, nearest first, at the start of this version.")
async def _ancestors(self: Any, info: Info) -> list[Annotated["OrganisationUnit", lazy("org_unit")]]:
    return await ancestors_of(info, _rec(self))  # type: ignore[return-value]


@strawberry.field(description="The root of the tree this unit is in.")
async def _root_response(self: Any, info: Info) -> Optional[Annotated["OrganisationUnitResponse", lazy("org_unit")]]:
    record = _rec(self)
    above = await ancestors_of(info, record)
    top = above[-1] if above else record
    return ResponseValue(top.uuid, record.relation_window)  # type: ignore[return-value]


@strawberry.field(description="How many units are directly below.")
async def _child_count(self: Any, info: Info, filter: Optional[ParentBoundOrganisationUnitFilter] = None) -> int:  # noqa: A002
    return len((await referring(info, _rec(self), "org_unit", "parent_uuid", filter, None, None)).objects)


@strawberry.field(description="Whether any unit is directly below.")
async def _has_children(self: Any, info: Info, filter: Optional[ParentBoundOrganisationUnitFilter] = None) -> bool:  # noqa: A002
    return bool((await referring(info, _rec(self), "org_unit", "parent_uuid", filter, None, None)).objects)


@strawberry.field(description="The unit's manager roles; with `inherit`, the nearest managed ancestor's.")
async def _managers_response(
    self: Any,
    info: Info,
    filter: Optional[OrgUnitboundmanagerfilter] = None,  # noqa: A002
    limit: Optional[LimitInt] = None,
    cursor: Optional[Cursor] = None,
    inherit: bool = False,
) -> Annotated["ManagerResponsePaged", lazy("manager")]:
    record = _rec(self)
    found = await managers_of(info, record, filter, inherit=inherit)
    return page_of((m.uuid for m in found), record.relation_window)  # type: ignore[return-value]


@strawberry.field(
    description="The versions of the unit's manager roles; with `inherit`, the nearest managed ancestor's.",
    deprecation_reason=RESPONSE_DEPRECATION.format("managers_response"),
)
async def _managers(
    self: Any,
    info: Info,
    filter: Optional[OrgUnitboundmanagerfilter] = None,  # noqa: A002
    limit: Optional[LimitInt] = None,
    cursor: Optional[Cursor] = None,
    inherit: bool = False,
) -> list[Annotated["Manager", lazy("manager")]]:
    return await managers_of(info, _rec(self), filter, inherit=inherit)  # type: ignore[return-value]


@strawberry.field(description="The unit's owners; with `inherit`, the nearest owned ancestor's.")
async def _owners(
    self: Any,
    info: Info,
    filter: Optional[OrgUnitboundownerfilter] = None,  # noqa: A002
    inherit: bool = False,
) -> list[Annotated["Owner", lazy("owner")]]:
    record: Record | None = _rec(self)
    seen: set[UUID] = set()
    while record is not None and record.uuid not in seen:
        seen.add(record.uuid)
        found = await referring_versions(info, record, "owner", "org_unit_uuid", filter, None, None)
        if found or not inherit:
            return found  # type: ignore[return-value]
        record = await to_version(info, record, "org_unit", "parent_uuid")
    return []


def _class(name: str, column: str, description: str, *, old_name: str | None = None, uuid_field: str) -> Rel:
    return Rel(name, column, "class", description, old="one", old_required=False, old_name=old_name, uuid_field=uuid_field)


OrganisationUnit = object_type(
    "OrganisationUnit",
    "A unit of the organisation: a directorate, a department, a school.",
    __name__,
    {
        "uuid": (UUID, "The unit's uuid."),
        "user_key": (str, "A short, human-readable key for the unit."),
        "name": (str, "The unit's name."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("parent", "parent_uuid", "org_unit", "The unit above this one; null for a root unit.", old="one", old_required=False, uuid_field="parent_uuid"),
        Reverse("children", "org_unit", "parent_uuid", "ParentBoundOrganisationUnitFilter", "The units directly below this one."),
        _class("unit_type", "unit_type_uuid", "The unit's type.", uuid_field="unit_type_uuid"),
        _class("unit_level", "org_unit_level_uuid", "The unit's level.", old_name="org_unit_level", uuid_field="org_unit_level_uuid"),
        _class("unit_hierarchy", "org_unit_hierarchy_uuid", "The hierarchy the unit belongs to.", old_name="org_unit_hierarchy_model", uuid_field="org_unit_hierarchy"),
        _class("time_planning", "time_planning_uuid", "The unit's time planning.", uuid_field="time_planning_uuid"),
        Reverse("engagements", "engagement", "org_unit_uuid", "OrgUnitboundengagementfilter", "The engagements in the unit."),
        Reverse("addresses", "address", "org_unit_uuid", "OrgUnitboundaddressfilter", "The unit's addresses."),
        Reverse("leaves", "leave", "org_unit_uuid", "OrgUnitboundleavefilter", "Leaves in the unit.", old=False),
        Reverse("associations", "association", "org_unit_uuid", "OrgUnitboundassociationfilter", "The unit's associations."),
        Reverse("itusers", "ituser", "org_unit_uuid", "OrgUnitboundituserfilter", "The unit's IT accounts."),
        Reverse("kles", "kle", "org_unit_uuid", "OrgUnitboundklefilter", "The unit's KLE annotations."),
        Reverse("related_units", "related_unit", "org_unit_uuid", "OrgUnitboundrelatedunitfilter", "The unit's relations to other units."),
    ],
    extra={
        "ancestors": _ancestors,
        "root_response": _root_response,
        "child_count": _child_count,
        "has_children": _has_children,
        "managers_response": _managers_response,
        "managers": _managers,
        "owners": _owners,
    },
    kind="org_unit",
)

OrganisationUnitResponse, OrganisationUnitResponsePaged, OrganisationUnitResponseRegistration = response_types(
    "org_unit", OrganisationUnit, "OrganisationUnit", "organisation unit"
)
