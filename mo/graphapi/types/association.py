"""Associations: a person's ties to a unit other than employment."""

from __future__ import annotations

from uuid import UUID

from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, object_type, uuid_of

Association = object_type(
    "Association",
    "A person's tie to a unit other than employment (a union representative, a board member, an IT role).",
    __name__,
    {
        "uuid": (UUID, "The association's uuid."),
        "user_key": (str, "A short key for the association."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("association_type", "association_type_uuid", "class", "The kind of association.", old="one", old_required=False, uuid_field="association_type_uuid"),
        Rel("dynamic_class", "dynamic_class_uuid", "class", "A dynamic class.", old=None, uuid_field="dynamic_class_uuid"),
        Rel("trade_union", "trade_union_uuid", "class", "The trade union.", old=None, uuid_field="trade_union_uuid"),
        Rel("primary", "primary_uuid", "class", "Whether and how the association is primary.", old="one", old_required=False, uuid_field="primary_uuid"),
        Rel("person", "person_uuid", "person", "The associated person.", old_required=False, aliases=("employee",)),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit.", required=True, uuid_field="org_unit_uuid"),
        Rel("substitute", "substitute_uuid", "person", "The person's substitute.", old_required=False, uuid_field="substitute_uuid"),
        Rel("job_function", "job_function_uuid", "class", "The job function, for IT associations.", old="one", old_required=False, uuid_field="job_function_uuid"),
        Rel("it_user", "it_user_uuid", "ituser", "The IT user, for IT associations.", old_required=False, uuid_field="it_user_uuid"),
    ],
    extra={"employee_uuid": uuid_of("person_uuid", "The person's uuid.", False, "person")},
    kind="association",
)

AssociationResponse, AssociationResponsePaged, AssociationResponseRegistration = response_types(
    "association", Association, "Association", "association"
)
