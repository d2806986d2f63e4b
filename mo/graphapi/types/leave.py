"""Leaves: a person's absence from an engagement (parental leave, sabbatical, ...)."""

from __future__ import annotations

from uuid import UUID

from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, object_type, uuid_of

Leave = object_type(
    "Leave",
    "A person's leave from an engagement.",
    __name__,
    {
        "uuid": (UUID, "The leave's uuid."),
        "user_key": (str, "A short key for the leave."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("leave_type", "leave_type_uuid", "class", "The kind of leave.", required=True, old="one", uuid_field="leave_type_uuid"),
        Rel("person", "person_uuid", "person", "The person on leave.", required=True, aliases=("employee",)),
        Rel("engagement", "engagement_uuid", "engagement", "The engagement the leave is from.", required=True, old="one", uuid_field="engagement_uuid"),
    ],
    extra={"employee_uuid": uuid_of("person_uuid", "The person's uuid.", True, "person")},
    kind="leave",
)

LeaveResponse, LeaveResponsePaged, LeaveResponseRegistration = response_types("leave", Leave, "Leave", "leave")
