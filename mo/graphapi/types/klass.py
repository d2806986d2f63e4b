"""Classes: the values of a facet (``class`` is a Python keyword, hence the name)."""

from __future__ import annotations

from typing import Annotated, Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi import joined
from mo.graphapi.records import Record
from mo.graphapi.relations import to_version
from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.types.common import lazy
from mo.graphapi.types.facet import org_uuid
from mo.graphapi.types.fields import Rel, Reverse, object_type


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.field(description="An example value.", deprecation_reason="Rarely used; may be removed.")
def _example(self: Any) -> Optional[str]:
    return _rec(self).values.get("example")


joined.declare(_example, joined.Computed(("example",)))


@strawberry.field(description="Same as name.", deprecation_reason="Returns exactly the same as `name`.")
def _full_name(self: Any) -> str:
    return str(_rec(self).values["name"])


joined.declare(_full_name, joined.Computed(("name",)))


@strawberry.field(description="The facet at the top of the facet's tree.", deprecation_reason="Use client-side recursion.")
async def _top_level_facet(self: Any, info: Info) -> Annotated["Facet", lazy("facet")]:
    facet = await to_version(info, _rec(self), "facet", "facet_uuid", required=True)
    seen: set[UUID] = set()
    while facet is not None and facet.values.get("parent_uuid") and facet.uuid not in seen:
        seen.add(facet.uuid)
        parent = await to_version(info, facet, "facet", "parent_uuid", required=True)
        if parent is None:
            break
        facet = parent
    return facet  # type: ignore[return-value]


Class = object_type(
    "Class",
    "A value of a facet: a job function, a unit type, an address type.",
    __name__,
    {
        "uuid": (UUID, "The class's uuid."),
        "user_key": (str, "The class's key."),
        "name": (str, "The class's display name."),
        "scope": (Optional[str], "How values of this class are read (EMAIL, PHONE, ...)."),
        "published": (Optional[str], "Publication state."),
        "description": (Optional[str], "Free text about the class."),
        "owner": (Optional[UUID], "The unit that owns the class."),
        "validity": (OpenValidity, "The days this version holds."),
    },
    [
        Rel("facet", "facet_uuid", "facet", "The facet of the class.", required=True, old="one", uuid_field="facet_uuid"),
        Rel("parent", "parent_uuid", "class", "The class above this one, if any.", old="one", old_required=False, uuid_field="parent_uuid"),
        Reverse("children", "class", "parent_uuid", "ParentBoundClassFilter", "The classes directly below this one."),
        Rel("it_system", "it_system_uuid", "itsystem", "The IT system the class is tied to.", old="one", old_required=False, uuid_field="it_system_uuid"),
    ],
    extra={"example": _example, "full_name": _full_name, "top_level_facet": _top_level_facet, "org_uuid": org_uuid},
    kind="class",
)

ClassResponse, ClassResponsePaged, ClassResponseRegistration = response_types("class", Class, "Class", "class")
