"""Persons (OS2mo's ``Employee``)."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional
from uuid import UUID

import strawberry

from mo.graphapi import joined
from mo.graphapi.records import Record, unseal
from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.scalars import CPR
from mo.graphapi.types.common import RESPONSE_DEPRECATION
from mo.graphapi.types.fields import Reverse, object_type


def _values(value: object) -> Any:
    assert isinstance(value, Record)
    return value.values


@strawberry.field(description="Given name(s) and surname.")
def _name(self: Any) -> str:
    values = _values(self)
    return f"{values['given_name']} {values['surname']}".strip()


joined.declare(_name, joined.Computed(("given_name", "surname")))


@strawberry.field(description="The preferred name: nickname given name(s) and surname, or empty.")
def _nickname(self: Any) -> str:
    values = _values(self)
    return f"{values.get('nickname_given_name') or ''} {values.get('nickname_surname') or ''}".strip()


joined.declare(_nickname, joined.Computed(("nickname_given_name", "nickname_surname")))


def _alias(column: str, kind: Any, description: str) -> Any:
    def resolve(self: Any) -> Any:
        return unseal(_values(self).get(column))

    resolve.__annotations__ = {"return": kind}
    joined.declare(resolve, joined.Computed((column,)))  # refused for secret columns
    return strawberry.field(resolver=resolve, description=description, deprecation_reason=RESPONSE_DEPRECATION.format(column))


Employee = object_type(
    "Employee",
    "A person: someone who is or was engaged in the organisation.",
    __name__,
    {
        "uuid": (UUID, "The person's uuid; stable across all versions."),
        "user_key": (str, "A short, human-readable key for the person."),
        "cpr_number": (Optional[CPR], "The person's CPR number."),
        "given_name": (str, "Given name(s)."),
        "surname": (str, "Surname."),
        "nickname_given_name": (Optional[str], "Given name(s) the person prefers."),
        "nickname_surname": (Optional[str], "Surname the person prefers."),
        "seniority": (Optional[date], "The date seniority is counted from."),
        "validity": (OpenValidity, "The days this version holds."),
    },
    [
        Reverse("engagements", "engagement", "person_uuid", "EmployeeBoundEngagementFilter", "The person's engagements."),
        Reverse("manager_roles", "manager", "person_uuid", "EmployeeBoundManagerFilter", "The person's manager roles."),
        Reverse("addresses", "address", "person_uuid", "EmployeeBoundAddressFilter", "The person's addresses."),
        Reverse("leaves", "leave", "person_uuid", "EmployeeBoundLeaveFilter", "The person's leaves."),
        Reverse("associations", "association", "person_uuid", "EmployeeBoundAssociationFilter", "The person's associations."),
        Reverse("itusers", "ituser", "person_uuid", "EmployeeBoundITUserFilter", "The person's IT accounts."),
    ],
    extra={
        "name": _name,
        "nickname": _nickname,
        "cpr_no": _alias("cpr_number", Optional[CPR], "Old name of cpr_number."),
        "givenname": _alias("given_name", str, "Old name of given_name."),
        "nickname_givenname": _alias("nickname_given_name", Optional[str], "Old name of nickname_given_name."),
    },
    kind="employee",
)

EmployeeResponse, EmployeeResponsePaged, EmployeeResponseRegistration = response_types(
    "person", Employee, "Employee", "person"
)
