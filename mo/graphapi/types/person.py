"""Persons (OS2mo's ``Employee``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.filters.inputs import EmployeeBoundEngagementFilter
from mo.graphapi.records import Record
from mo.graphapi.relations import referring, referring_versions
from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.scalars import CPR, Cursor, LimitInt
from mo.graphapi.types.common import RESPONSE_DEPRECATION, TYPE_DEPRECATION, lazy
from mo.graphapi.types.fields import Reverse, add

if TYPE_CHECKING:
    from mo.graphapi.types.engagement import Engagement, EngagementResponsePaged


@strawberry.type(name="Employee", description="A person: someone who is or was engaged in the organisation.")
class Employee:
    uuid: UUID = strawberry.field(description="The person's uuid; stable across all versions.")
    user_key: str = strawberry.field(description="A short, human-readable key for the person.")
    cpr_number: Optional[CPR] = strawberry.field(description="The person's CPR number.")
    given_name: str = strawberry.field(description="Given name(s).")
    surname: str = strawberry.field(description="Surname.")
    nickname_given_name: Optional[str] = strawberry.field(description="Given name(s) the person prefers.")
    nickname_surname: Optional[str] = strawberry.field(description="Surname the person prefers.")
    seniority: Optional[date] = strawberry.field(description="The date seniority is counted from.")
    validity: OpenValidity = strawberry.field(description="The days this version holds.")

    add(
        locals(),
        Reverse("manager_roles", "manager", "person_uuid", "EmployeeBoundManagerFilter", "The person's manager roles."),
        Reverse("addresses", "address", "person_uuid", "EmployeeBoundAddressFilter", "The person's addresses."),
        Reverse("leaves", "leave", "person_uuid", "EmployeeBoundLeaveFilter", "The person's leaves."),
        Reverse("associations", "association", "person_uuid", "EmployeeBoundAssociationFilter", "The person's associations."),
        Reverse("itusers", "ituser", "person_uuid", "EmployeeBoundITUserFilter", "The person's IT accounts."),
    )

    @strawberry.field(description="Given name(s) and surname.")
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @strawberry.field(description="The preferred name: nickname given name(s) and surname, or empty.")
    def nickname(self) -> str:
        return f"{self.nickname_given_name or ''} {self.nickname_surname or ''}".strip()

    @strawberry.field(description="Old name of cpr_number.", deprecation_reason=RESPONSE_DEPRECATION.format("cpr_number"))
    def cpr_no(self) -> Optional[CPR]:
        return self.cpr_number

    @strawberry.field(description="Old name of given_name.", deprecation_reason=RESPONSE_DEPRECATION.format("given_name"))
    def givenname(self) -> str:
        return self.given_name

    @strawberry.field(
        description="Old name of nickname_given_name.",
        deprecation_reason=RESPONSE_DEPRECATION.format("nickname_given_name"),
    )
    def nickname_givenname(self) -> Optional[str]:
        return self.nickname_given_name

    @strawberry.field(description="Always `employee`.", deprecation_reason=TYPE_DEPRECATION)
    def type(self) -> str:
        return "employee"

    @strawberry.field(description="The person's engagements at the time of this version.")
    async def engagements_response(
        self,
        info: Info,
        filter: Optional[EmployeeBoundEngagementFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Annotated["EngagementResponsePaged", lazy("engagement")]:
        assert isinstance(self, Record)
        return await referring(info, self, "engagement", "person_uuid", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(
        description="The versions of the person's engagements.",
        deprecation_reason=RESPONSE_DEPRECATION.format("engagements_response"),
    )
    async def engagements(
        self,
        info: Info,
        filter: Optional[EmployeeBoundEngagementFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[Annotated["Engagement", lazy("engagement")]]:
        assert isinstance(self, Record)
        return await referring_versions(info, self, "engagement", "person_uuid", filter, limit, cursor)  # type: ignore[return-value]


EmployeeResponse, EmployeeResponsePaged, EmployeeResponseRegistration = response_types(
    "person", Employee, "Employee", "person"
)
