"""IT users: accounts in IT systems, held by a person or a unit."""

from __future__ import annotations

from typing import Any, Optional
from uuid import UUID

import strawberry

from mo.graphapi.records import Record
from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, RelList, Reverse, object_type, uuid_list, uuid_of


@strawberry.field(description="The first engagement's uuid.", deprecation_reason="Use `engagement_uuids` instead.")
def _engagement_uuid(self: Any) -> Optional[UUID]:
    assert isinstance(self, Record)
    engagements = self.values.get("engagement_uuids") or ()
    return engagements[0] if engagements else None


ITUser = object_type(
    "ITUser",
    "An account in an IT system, held by a person or a unit.",
    __name__,
    {
        "uuid": (UUID, "The account's uuid."),
        "user_key": (str, "The account name."),
        "external_id": (Optional[str], "The account's id in the IT system."),
        "binding_type": (Optional[str], "How the account is bound to its owner."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("person", "person_uuid", "person", "The person holding the account.", old_required=False, aliases=("employee",)),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit holding the account.", old_required=False, uuid_field="org_unit_uuid"),
        RelList("engagements", "engagement_uuids", "engagement", "The engagements the account is for.", "UuidsBoundEngagementFilter", "engagements_responses", old_of_responses=True),
        Reverse("addresses", "address", "ituser_uuid", "ItuserBoundAddressFilter", "The account's addresses."),
        Rel("itsystem", "itsystem_uuid", "itsystem", "The IT system.", required=True, old="one", uuid_field="itsystem_uuid"),
        Reverse("rolebindings", "rolebinding", "ituser_uuid", "ItuserBoundRoleBindingFilter", "The account's roles."),
        Rel("primary", "primary_uuid", "class", "Whether and how the account is primary.", old="one", old_required=False, uuid_field="primary_uuid"),
    ],
    extra={
        "employee_uuid": uuid_of("person_uuid", "The person's uuid.", False, "person"),
        "engagement_uuid": _engagement_uuid,
        "engagement_uuids": uuid_list("engagement_uuids", "The engagements' uuids.", "engagements"),
    },
    kind="it",
)

ITUserResponse, ITUserResponsePaged, ITUserResponseRegistration = response_types("ituser", ITUser, "ITUser", "IT user")
