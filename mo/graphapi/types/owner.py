"""Owners: who owns a unit or a person (for owner-scoped permissions)."""

from __future__ import annotations

from enum import Enum
from typing import Any, Optional
from uuid import UUID

import strawberry

from mo.graphapi.records import Record
from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, object_type, uuid_of


@strawberry.enum(description="How a person's owner is inferred when none is set.")
class OwnerInferencePriority(Enum):
    ENGAGEMENT = strawberry.enum_value("engagement_priority", description="From the person's primary engagement's unit.")
    ASSOCIATION = strawberry.enum_value("association_priority", description="From the person's association's unit.")


@strawberry.field(description="How the owner is inferred, if it is.")
def _priority(self: Any) -> Optional[OwnerInferencePriority]:
    assert isinstance(self, Record)
    value = self.values.get("inference_priority")
    return OwnerInferencePriority(value) if value else None


Owner = object_type(
    "Owner",
    "An owner of a unit or of a person.",
    __name__,
    {
        "uuid": (UUID, "The ownership's uuid."),
        "user_key": (str, "A short key for the ownership."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit owned.", old=None, uuid_field="org_unit_uuid"),
        Rel("person", "person_uuid", "person", "The person owned.", old=None),
        Rel("owner", "owner_uuid", "person", "The owner.", old=None, uuid_field="owner_uuid"),
    ],
    extra={
        "employee_uuid": uuid_of("person_uuid", "The owned person's uuid.", False, "person"),
        "owner_inference_priority": _priority,
    },
    kind="owner",
)

OwnerResponse, OwnerResponsePaged, OwnerResponseRegistration = response_types("owner", Owner, "Owner", "owner")
