"""Engagements: a person's employment in a unit."""

from __future__ import annotations

from typing import Annotated, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.filters.inputs import EngagementBoundITUserFilter, OrgUnitboundmanagerfilter, UuidsBoundClassFilter, UuidsBoundEmployeeFilter, UuidsBoundOrganisationUnitFilter
from mo.graphapi.records import Record
from mo.graphapi.relations import to_response, to_version, to_versions
from mo.graphapi.response import Validity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import RESPONSE_DEPRECATION, TYPE_DEPRECATION, UUID_DEPRECATION, lazy
from mo.graphapi.types.fields import Rel, Reverse, add
from mo.graphapi.managers import managers_of

PRIMARY_KEYS = frozenset({"primary", "explicitly-primary"})
ClassRef = Annotated["Class", lazy("klass")]
ClassResponseRef = Annotated["ClassResponse", lazy("klass")]
UnitRef = Annotated["OrganisationUnit", lazy("org_unit")]
PersonRef = Annotated["Employee", lazy("person")]


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.type(name="Engagement", description="A person's employment in an organisation unit.")
class Engagement:
    uuid: UUID = strawberry.field(description="The engagement's uuid.")
    user_key: str = strawberry.field(description="A short key, often the employee number.")
    fraction: Optional[int] = strawberry.field(description="The engagement's share of full time.")
    extension_1: Optional[str] = strawberry.field(description="Free-form extension field 1.")
    extension_2: Optional[str] = strawberry.field(description="Free-form extension field 2.")
    extension_3: Optional[str] = strawberry.field(description="Free-form extension field 3.")
    extension_4: Optional[str] = strawberry.field(description="Free-form extension field 4.")
    extension_5: Optional[str] = strawberry.field(description="Free-form extension field 5.")
    extension_6: Optional[str] = strawberry.field(description="Free-form extension field 6.")
    extension_7: Optional[str] = strawberry.field(description="Free-form extension field 7.")
    extension_8: Optional[str] = strawberry.field(description="Free-form extension field 8.")
    extension_9: Optional[str] = strawberry.field(description="Free-form extension field 9.")
    extension_10: Optional[str] = strawberry.field(description="Free-form extension field 10.")
    validity: Validity = strawberry.field(description="The days this version holds.")

    add(
        locals(),
        Reverse("addresses", "address", "engagement_uuid", "EngagementBoundAddressFilter", "The engagement's addresses.", old=False),
        Rel("leave", "leave_uuid", "leave", "The leave the engagement is on, if any.", old="one", old_required=False),
    )

    @strawberry.field(description="The engagement's IT accounts.")
    async def itusers_response(
        self,
        info: Info,
        filter: Optional[EngagementBoundITUserFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Annotated["ITUserResponsePaged", lazy("ituser")]:
        from mo.graphapi.collection import collection
        from mo.graphapi.filters.apply import list_contains
        from mo.db.tables import TABLES

        record = _rec(self)
        extra = [list_contains("engagement_uuids")(None, TABLES["ituser"], [record.uuid], record.relation_window)]  # type: ignore[arg-type]
        return await collection(info, "ituser", filter, limit, cursor, extra=extra, default=record.relation_window)  # type: ignore[return-value]

    @strawberry.field(
        description="The managers of the engagement's unit.",
    )
    async def managers(
        self,
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

    @strawberry.field(
        description="Whether the engagement is primary: its primary class has user key `primary` or `explicitly-primary`."
    )
    async def is_primary(self, info: Info) -> bool:
        primary = await to_version(info, _rec(self), "class", "primary_uuid", required=True)
        return primary is not None and primary.values.get("user_key") in PRIMARY_KEYS

    @strawberry.field(description="Always `engagement`.", deprecation_reason=TYPE_DEPRECATION)
    def type(self) -> str:
        return "engagement"

    @strawberry.field(description="The person's uuid.", deprecation_reason=UUID_DEPRECATION.format("person {uuid}"))
    def employee_uuid(self) -> UUID:
        return _rec(self).values["person_uuid"]  # type: ignore[no-any-return]

    @strawberry.field(description="The unit's uuid.", deprecation_reason=UUID_DEPRECATION.format("org_unit {uuid}"))
    def org_unit_uuid(self) -> UUID:
        return _rec(self).values["org_unit_uuid"]  # type: ignore[no-any-return]

    @strawberry.field(
        description="The engagement type's uuid.", deprecation_reason=UUID_DEPRECATION.format("engagement_type {uuid}")
    )
    def engagement_type_uuid(self) -> UUID:
        return _rec(self).values["engagement_type_uuid"]  # type: ignore[no-any-return]

    @strawberry.field(
        description="The job function's uuid.", deprecation_reason=UUID_DEPRECATION.format("job_function {uuid}")
    )
    def job_function_uuid(self) -> UUID:
        return _rec(self).values["job_function_uuid"]  # type: ignore[no-any-return]

    @strawberry.field(description="The primary class's uuid.", deprecation_reason=UUID_DEPRECATION.format("primary {uuid}"))
    def primary_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("primary_uuid")

    @strawberry.field(description="The leave's uuid.", deprecation_reason=UUID_DEPRECATION.format("leave {uuid}"))
    def leave_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("leave_uuid")

    @strawberry.field(description="The person employed.")
    def person_response(self) -> Annotated["EmployeeResponse", lazy("person")]:
        return to_response(_rec(self), "person_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The person's versions.", deprecation_reason=RESPONSE_DEPRECATION.format("person_response"))
    async def person(
        self,
        info: Info,
        filter: Optional[UuidsBoundEmployeeFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[PersonRef]:
        return await to_versions(info, _rec(self), "person", "person_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The person's versions.", deprecation_reason=RESPONSE_DEPRECATION.format("person"))
    async def employee(
        self,
        info: Info,
        filter: Optional[UuidsBoundEmployeeFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[PersonRef]:
        return await to_versions(info, _rec(self), "person", "person_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit of the engagement.")
    def org_unit_response(self) -> Annotated["OrganisationUnitResponse", lazy("org_unit")]:
        return to_response(_rec(self), "org_unit_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The unit's versions.", deprecation_reason=RESPONSE_DEPRECATION.format("org_unit_response"))
    async def org_unit(
        self,
        info: Info,
        filter: Optional[UuidsBoundOrganisationUnitFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[UnitRef]:
        return await to_versions(info, _rec(self), "org_unit", "org_unit_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The kind of engagement.")
    def engagement_type_response(self) -> ClassResponseRef:
        return to_response(_rec(self), "engagement_type_uuid")  # type: ignore[return-value]

    @strawberry.field(
        description="The kind of engagement.", deprecation_reason=RESPONSE_DEPRECATION.format("engagement_type_response")
    )
    async def engagement_type(
        self,
        info: Info,
        filter: Optional[UuidsBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> ClassRef:
        return await to_version(info, _rec(self), "class", "engagement_type_uuid", required=True)  # type: ignore[return-value]

    @strawberry.field(description="The job function.")
    def job_function_response(self) -> ClassResponseRef:
        return to_response(_rec(self), "job_function_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The job function.", deprecation_reason=RESPONSE_DEPRECATION.format("job_function_response"))
    async def job_function(
        self,
        info: Info,
        filter: Optional[UuidsBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> ClassRef:
        return await to_version(info, _rec(self), "class", "job_function_uuid", required=True)  # type: ignore[return-value]

    @strawberry.field(description="How the engagement is primary, if it is.")
    def primary_response(self) -> Optional[ClassResponseRef]:
        return to_response(_rec(self), "primary_uuid")  # type: ignore[return-value]

    @strawberry.field(description="How the engagement is primary.", deprecation_reason=RESPONSE_DEPRECATION.format("primary_response"))
    async def primary(
        self,
        info: Info,
        filter: Optional[UuidsBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Optional[ClassRef]:
        return await to_version(info, _rec(self), "class", "primary_uuid")  # type: ignore[return-value]


EngagementResponse, EngagementResponsePaged, EngagementResponseRegistration = response_types(
    "engagement", Engagement, "Engagement", "engagement"
)
