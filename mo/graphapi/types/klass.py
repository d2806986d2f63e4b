"""Classes: the values of a facet (``class`` is a Python keyword, hence the name)."""

from __future__ import annotations

from typing import Annotated, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.filters.inputs import ParentBoundClassFilter, UuidsBoundClassFilter, UuidsBoundFacetFilter
from mo.graphapi.records import Record
from mo.graphapi.relations import referring, to_response, to_version
from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import RESPONSE_DEPRECATION, TYPE_DEPRECATION, UUID_DEPRECATION, lazy
from mo.graphapi.types.organisation import organisation_uuid
from mo.graphapi.types.fields import Rel, add

FacetRef = Annotated["Facet", lazy("facet")]


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.type(name="Class", description="A value of a facet: a job function, a unit type, an address type.")
class Class:
    uuid: UUID = strawberry.field(description="The class's uuid.")
    user_key: str = strawberry.field(description="The class's key.")
    name: str = strawberry.field(description="The class's display name.")
    scope: Optional[str] = strawberry.field(description="How values of this class are read (EMAIL, PHONE, ...).")
    published: Optional[str] = strawberry.field(description="Publication state.")
    description: Optional[str] = strawberry.field(description="Free text about the class.")
    owner: Optional[UUID] = strawberry.field(description="The unit that owns the class.")
    validity: OpenValidity = strawberry.field(description="The days this version holds.")

    add(locals(), Rel("it_system", "it_system_uuid", "itsystem", "The IT system the class is tied to.", old="one", old_required=False))

    @strawberry.field(description="An example value.", deprecation_reason="Rarely used; may be removed.")
    def example(self) -> Optional[str]:
        return _rec(self).values.get("example")

    @strawberry.field(description="Same as name.", deprecation_reason="Returns exactly the same as `name`.")
    def full_name(self) -> str:
        return str(_rec(self).values["name"])

    @strawberry.field(description="Always `class`.", deprecation_reason=TYPE_DEPRECATION)
    def type(self) -> str:
        return "class"

    @strawberry.field(description="The organisation's uuid.", deprecation_reason="The root organisation is going away.")
    async def org_uuid(self, info: Info) -> UUID:
        return await organisation_uuid(info)

    @strawberry.field(description="The facet's uuid.", deprecation_reason=UUID_DEPRECATION.format("facet {uuid}"))
    def facet_uuid(self) -> UUID:
        return _rec(self).values["facet_uuid"]  # type: ignore[no-any-return]

    @strawberry.field(description="The parent's uuid.", deprecation_reason=UUID_DEPRECATION.format("parent {uuid}"))
    def parent_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("parent_uuid")

    @strawberry.field(description="The IT system's uuid.", deprecation_reason=UUID_DEPRECATION.format("it_system {uuid}"))
    def it_system_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("it_system_uuid")

    @strawberry.field(description="The facet of the class.")
    def facet_response(self) -> Annotated["FacetResponse", lazy("facet")]:
        return to_response(_rec(self), "facet_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The facet of the class.", deprecation_reason=RESPONSE_DEPRECATION.format("facet_response"))
    async def facet(
        self,
        info: Info,
        filter: Optional[UuidsBoundFacetFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> FacetRef:
        return await to_version(info, _rec(self), "facet", "facet_uuid", required=True)  # type: ignore[return-value]

    @strawberry.field(description="The facet at the top of the facet's tree.", deprecation_reason="Use client-side recursion.")
    async def top_level_facet(self, info: Info) -> FacetRef:
        facet = await to_version(info, _rec(self), "facet", "facet_uuid", required=True)
        seen: set[UUID] = set()
        while facet is not None and facet.values.get("parent_uuid") and facet.uuid not in seen:
            seen.add(facet.uuid)
            parent = await to_version(info, facet, "facet", "parent_uuid", required=True)
            if parent is None:
                break
            facet = parent
        return facet  # type: ignore[return-value]

    @strawberry.field(description="The class above this one, if any.")
    def parent_response(self) -> Optional[Annotated["ClassResponse", lazy("klass")]]:
        return to_response(_rec(self), "parent_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The class above.", deprecation_reason=RESPONSE_DEPRECATION.format("parent_response"))
    async def parent(
        self,
        info: Info,
        filter: Optional[UuidsBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Optional[Class]:
        return await to_version(info, _rec(self), "class", "parent_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The classes directly below this one.")
    async def children_response(
        self,
        info: Info,
        filter: Optional[ParentBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> ClassResponsePaged:  # type: ignore[valid-type]
        return await referring(info, _rec(self), "class", "parent_uuid", filter, limit, cursor)  # type: ignore[return-value]


ClassResponse, ClassResponsePaged, ClassResponseRegistration = response_types("class", Class, "Class", "class")
