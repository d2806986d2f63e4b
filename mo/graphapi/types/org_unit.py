"""Organisation units: the tree of the organisation."""

from __future__ import annotations

from typing import Annotated, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.filters.inputs import (
    OrgUnitboundmanagerfilter,
    OrgUnitboundownerfilter,
    OrgUnitboundengagementfilter,
    ParentBoundOrganisationUnitFilter,
    UuidsBoundClassFilter,
    UuidsBoundOrganisationUnitFilter,
)
from mo.graphapi.records import Record, ResponseValue
from mo.graphapi.relations import referring, referring_versions, to_response, to_version
from mo.graphapi.response import Validity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import RESPONSE_DEPRECATION, TYPE_DEPRECATION, UUID_DEPRECATION, lazy
from mo.graphapi.types.fields import Reverse, add
from mo.graphapi.managers import managers_of

ClassRef = Annotated["Class", lazy("klass")]
ClassResponseRef = Annotated["ClassResponse", lazy("klass")]
MAX_DEPTH = 100


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.type(name="OrganisationUnit", description="A unit of the organisation: a directorate, a department, a school.")
class OrganisationUnit:
    uuid: UUID = strawberry.field(description="The unit's uuid.")
    user_key: str = strawberry.field(description="A short, human-readable key for the unit.")
    name: str = strawberry.field(description="The unit's name.")
    validity: Validity = strawberry.field(description="The days this version holds.")

    add(
        locals(),
        Reverse("addresses", "address", "org_unit_uuid", "OrgUnitboundaddressfilter", "The unit's addresses."),
        Reverse("leaves", "leave", "org_unit_uuid", "OrgUnitboundleavefilter", "Leaves in the unit.", old=False),
        Reverse("associations", "association", "org_unit_uuid", "OrgUnitboundassociationfilter", "The unit's associations."),
        Reverse("itusers", "ituser", "org_unit_uuid", "OrgUnitboundituserfilter", "The unit's IT accounts."),
        Reverse("kles", "kle", "org_unit_uuid", "OrgUnitboundklefilter", "The unit's KLE annotations."),
        Reverse("related_units", "related_unit", "org_unit_uuid", "OrgUnitboundrelatedunitfilter", "The unit's relations to other units."),
    )

    @strawberry.field(description="The unit's manager roles; with `inherit`, the nearest managed ancestor's.")
    async def managers_response(
        self,
        info: Info,
        filter: Optional[OrgUnitboundmanagerfilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
        inherit: bool = False,
    ) -> Annotated["ManagerResponsePaged", lazy("manager")]:
        from mo.graphapi.collection import PageInfoValue, PagedValue

        found = await managers_of(info, _rec(self), filter, inherit=inherit)
        uuids = list(dict.fromkeys(m.uuid for m in found))
        return PagedValue([ResponseValue(u, _rec(self).relation_window) for u in uuids], PageInfoValue(None))  # type: ignore[return-value]

    @strawberry.field(
        description="The versions of the unit's manager roles; with `inherit`, the nearest managed ancestor's.",
        deprecation_reason=RESPONSE_DEPRECATION.format("managers_response"),
    )
    async def managers(
        self,
        info: Info,
        filter: Optional[OrgUnitboundmanagerfilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
        inherit: bool = False,
    ) -> list[Annotated["Manager", lazy("manager")]]:
        return await managers_of(info, _rec(self), filter, inherit=inherit)  # type: ignore[return-value]

    @strawberry.field(description="The unit's owners; with `inherit`, the nearest owned ancestor's.")
    async def owners(
        self,
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

    @strawberry.field(description="Always `org_unit`.", deprecation_reason=TYPE_DEPRECATION)
    def type(self) -> str:
        return "org_unit"

    @strawberry.field(description="The parent's uuid.", deprecation_reason=UUID_DEPRECATION.format("parent {uuid}"))
    def parent_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("parent_uuid")

    @strawberry.field(description="The unit type's uuid.", deprecation_reason=UUID_DEPRECATION.format("unit_type {uuid}"))
    def unit_type_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("unit_type_uuid")

    @strawberry.field(description="The level's uuid.", deprecation_reason=UUID_DEPRECATION.format("org_unit_level {uuid}"))
    def org_unit_level_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("org_unit_level_uuid")

    @strawberry.field(
        description="The hierarchy's uuid.", deprecation_reason=UUID_DEPRECATION.format("org_unit_hierarchy_model {uuid}")
    )
    def org_unit_hierarchy(self) -> Optional[UUID]:
        return _rec(self).values.get("org_unit_hierarchy_uuid")

    @strawberry.field(
        description="The time planning's uuid.", deprecation_reason=UUID_DEPRECATION.format("time_planning {uuid}")
    )
    def time_planning_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("time_planning_uuid")

    @strawberry.field(description="The unit above this one; null for a root unit.")
    def parent_response(self) -> Optional[Annotated["OrganisationUnitResponse", lazy("org_unit")]]:
        return to_response(_rec(self), "parent_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit above this one.", deprecation_reason=RESPONSE_DEPRECATION.format("parent_response"))
    async def parent(
        self,
        info: Info,
        filter: Optional[UuidsBoundOrganisationUnitFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Optional[OrganisationUnit]:
        return await to_version(info, _rec(self), "org_unit", "parent_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The units above this one, nearest first, at the start of this version.")
    async def ancestors(self, info: Info) -> list[OrganisationUnit]:
        result: list[Record] = []
        record = _rec(self)
        seen = {record.uuid}
        while len(result) < MAX_DEPTH:
            parent = await to_version(info, record, "org_unit", "parent_uuid")
            if parent is None or parent.uuid in seen:
                break
            seen.add(parent.uuid)
            result.append(parent)
            record = parent
        return result  # type: ignore[return-value]

    @strawberry.field(description="The units directly below this one.")
    async def children_response(
        self,
        info: Info,
        filter: Optional[ParentBoundOrganisationUnitFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> OrganisationUnitResponsePaged:  # type: ignore[valid-type]
        return await referring(info, _rec(self), "org_unit", "parent_uuid", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="The units directly below.", deprecation_reason=RESPONSE_DEPRECATION.format("children_response"))
    async def children(
        self,
        info: Info,
        filter: Optional[ParentBoundOrganisationUnitFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[OrganisationUnit]:
        return await referring_versions(info, _rec(self), "org_unit", "parent_uuid", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="How many units are directly below.")
    async def child_count(self, info: Info, filter: Optional[ParentBoundOrganisationUnitFilter] = None) -> int:  # noqa: A002
        page = await referring(info, _rec(self), "org_unit", "parent_uuid", filter, None, None)
        return len(page.objects)

    @strawberry.field(description="Whether any unit is directly below.")
    async def has_children(self, info: Info, filter: Optional[ParentBoundOrganisationUnitFilter] = None) -> bool:  # noqa: A002
        page = await referring(info, _rec(self), "org_unit", "parent_uuid", filter, None, None)
        return bool(page.objects)

    @strawberry.field(description="The root of the tree this unit is in.")
    async def root_response(self, info: Info) -> Optional[Annotated["OrganisationUnitResponse", lazy("org_unit")]]:
        ancestors = await OrganisationUnit.ancestors(self, info)  # type: ignore[call-arg,arg-type]
        top = ancestors[-1] if ancestors else _rec(self)
        return ResponseValue(top.uuid, _rec(self).relation_window)  # type: ignore[return-value,union-attr]

    @strawberry.field(description="The unit's type.")
    def unit_type_response(self) -> Optional[ClassResponseRef]:
        return to_response(_rec(self), "unit_type_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit's type.", deprecation_reason=RESPONSE_DEPRECATION.format("unit_type_response"))
    async def unit_type(
        self,
        info: Info,
        filter: Optional[UuidsBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Optional[ClassRef]:
        return await to_version(info, _rec(self), "class", "unit_type_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit's level.")
    def unit_level_response(self) -> Optional[ClassResponseRef]:
        return to_response(_rec(self), "org_unit_level_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit's level.", deprecation_reason=RESPONSE_DEPRECATION.format("unit_level_response"))
    async def org_unit_level(
        self,
        info: Info,
        filter: Optional[UuidsBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Optional[ClassRef]:
        return await to_version(info, _rec(self), "class", "org_unit_level_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The hierarchy the unit belongs to.")
    def unit_hierarchy_response(self) -> Optional[ClassResponseRef]:
        return to_response(_rec(self), "org_unit_hierarchy_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit's time planning.")
    def time_planning_response(self) -> Optional[ClassResponseRef]:
        return to_response(_rec(self), "time_planning_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The engagements in the unit.")
    async def engagements_response(
        self,
        info: Info,
        filter: Optional[OrgUnitboundengagementfilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Annotated["EngagementResponsePaged", lazy("engagement")]:
        return await referring(info, _rec(self), "engagement", "org_unit_uuid", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(
        description="The versions of the unit's engagements.",
        deprecation_reason=RESPONSE_DEPRECATION.format("engagements_response"),
    )
    async def engagements(
        self,
        info: Info,
        filter: Optional[OrgUnitboundengagementfilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[Annotated["Engagement", lazy("engagement")]]:
        return await referring_versions(info, _rec(self), "engagement", "org_unit_uuid", filter, limit, cursor)  # type: ignore[return-value]


OrganisationUnitResponse, OrganisationUnitResponsePaged, OrganisationUnitResponseRegistration = response_types(
    "org_unit", OrganisationUnit, "OrganisationUnit", "organisation unit"
)
