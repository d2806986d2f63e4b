"""Facets: the named lists that classes belong to."""

from __future__ import annotations

from typing import Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.types.fields import Rel, Reverse, object_type
from mo.graphapi.types.organisation import organisation_uuid


@strawberry.field(description="The organisation's uuid.", deprecation_reason="The root organisation is going away.")
async def org_uuid(self: Any, info: Info) -> UUID:
    return await organisation_uuid(info)


def described(description: str) -> Any:
    """The deprecated free-text ``description`` field of facets and classes."""

    def resolve(self: Any) -> Optional[str]:
        return self.values.get("description")  # type: ignore[no-any-return]

    return strawberry.field(resolver=resolve, description=description, deprecation_reason="Rarely used; may be removed.")


Facet = object_type(
    "Facet",
    "A named list of classes, such as job functions or unit types.",
    __name__,
    {
        "uuid": (UUID, "The facet's uuid."),
        "user_key": (str, "The facet's key, e.g. `engagement_type`."),
        "published": (Optional[str], "Publication state."),
        "validity": (OpenValidity, "The days this version holds."),
    },
    [
        Rel("parent", "parent_uuid", "facet", "The facet above this one, if any.", old="one", old_required=False, uuid_field="parent_uuid"),
        Reverse("children", "facet", "parent_uuid", "ParentBoundFacetFilter", "The facets directly below this one."),
        Reverse("classes", "class", "facet_uuid", "FacetBoundClassFilter", "The classes of the facet.", response_name="classes_responses"),
    ],
    extra={"org_uuid": org_uuid, "description": described("Free text about the facet.")},
    kind="facet",
)

FacetResponse, FacetResponsePaged, FacetResponseRegistration = response_types("facet", Facet, "Facet", "facet")
