"""Manager roles: who manages a unit; a role without a person is vacant."""

from __future__ import annotations

from uuid import UUID

from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, RelList, object_type, uuid_list, uuid_of

Manager = object_type(
    "Manager",
    "A manager role of a unit; vacant when it has no person.",
    __name__,
    {
        "uuid": (UUID, "The role's uuid."),
        "user_key": (str, "A short key for the role."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("manager_type", "manager_type_uuid", "class", "The kind of manager.", old="one", old_required=False, uuid_field="manager_type_uuid"),
        Rel("manager_level", "manager_level_uuid", "class", "The manager level.", old="one", old_required=False, uuid_field="manager_level_uuid"),
        RelList("responsibilities", "responsibilities", "class", "The manager's responsibilities.", "UuidsBoundClassFilter", "responsibilities_response"),
        Rel("person", "person_uuid", "person", "The manager; null while the role is vacant.", old_required=False, aliases=("employee",)),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit managed.", required=True, uuid_field="org_unit_uuid"),
        Rel("engagement", "engagement_uuid", "engagement", "The engagement the role belongs to.", old=None),
    ],
    extra={
        "employee_uuid": uuid_of("person_uuid", "The manager's uuid.", False, "person"),
        "responsibility_uuids": uuid_list("responsibilities", "The responsibilities' uuids.", "responsibilities"),
    },
    kind="manager",
)

ManagerResponse, ManagerResponsePaged, ManagerResponseRegistration = response_types("manager", Manager, "Manager", "manager role")
