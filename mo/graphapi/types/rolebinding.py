"""Role bindings: an IT user's role in an IT system, possibly for one unit."""

from __future__ import annotations

from uuid import UUID

from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, object_type

RoleBinding = object_type(
    "RoleBinding",
    "An IT user's role in its IT system, possibly scoped to a unit.",
    __name__,
    {
        "uuid": (UUID, "The binding's uuid."),
        "user_key": (str, "A short key for the binding."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("role", "role_uuid", "class", "The role.", required=True),
        Rel("ituser", "ituser_uuid", "ituser", "The IT user given the role.", required=True),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit the role applies to."),
    ],
)

RoleBindingResponse, RoleBindingResponsePaged, RoleBindingResponseRegistration = response_types(
    "rolebinding", RoleBinding, "RoleBinding", "role binding"
)
