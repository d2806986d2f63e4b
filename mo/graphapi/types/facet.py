"""Facets: the named lists that classes belong to."""

from __future__ import annotations

from typing import Annotated, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.filters.inputs import FacetBoundClassFilter, ParentBoundFacetFilter, UuidsBoundFacetFilter
from mo.graphapi.records import Record
from mo.graphapi.relations import referring, referring_versions, to_response, to_version
from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import RESPONSE_DEPRECATION, TYPE_DEPRECATION, UUID_DEPRECATION, lazy
from mo.graphapi.types.organisation import organisation_uuid


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.type(name="Facet", description="A named list of classes, such as job functions or unit types.")
class Facet:
    uuid: UUID = strawberry.field(description="The facet's uuid.")
    user_key: str = strawberry.field(description="The facet's key, e.g. `engagement_type`.")
    published: Optional[str] = strawberry.field(description="Publication state.")
    validity: OpenValidity = strawberry.field(description="The days this version holds.")

    @strawberry.field(description="Free text about the facet.", deprecation_reason="Rarely used; may be removed.")
    def description(self) -> Optional[str]:
        return _rec(self).values.get("description")

    @strawberry.field(description="Always `facet`.", deprecation_reason=TYPE_DEPRECATION)
    def type(self) -> str:
        return "facet"

    @strawberry.field(description="The organisation's uuid.", deprecation_reason="The root organisation is going away.")
    async def org_uuid(self, info: Info) -> UUID:
        return await organisation_uuid(info)

    @strawberry.field(description="The parent's uuid.", deprecation_reason=UUID_DEPRECATION.format("parent {uuid}"))
    def parent_uuid(self) -> Optional[UUID]:
        return _rec(self).values.get("parent_uuid")

    @strawberry.field(description="The facet above this one, if any.")
    def parent_response(self) -> Optional[Annotated["FacetResponse", lazy("facet")]]:
        return to_response(_rec(self), "parent_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The facet above.", deprecation_reason=RESPONSE_DEPRECATION.format("parent_response"))
    async def parent(
        self,
        info: Info,
        filter: Optional[UuidsBoundFacetFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Optional[Facet]:
        return await to_version(info, _rec(self), "facet", "parent_uuid")  # type: ignore[return-value]

    @strawberry.field(description="The facets directly below this one.")
    async def children_response(
        self,
        info: Info,
        filter: Optional[ParentBoundFacetFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> FacetResponsePaged:  # type: ignore[valid-type]
        return await referring(info, _rec(self), "facet", "parent_uuid", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="The classes of the facet.")
    async def classes_responses(
        self,
        info: Info,
        filter: Optional[FacetBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> Annotated["ClassResponsePaged", lazy("klass")]:
        return await referring(info, _rec(self), "class", "facet_uuid", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="The classes' versions.", deprecation_reason=RESPONSE_DEPRECATION.format("classes_responses"))
    async def classes(
        self,
        info: Info,
        filter: Optional[FacetBoundClassFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> list[Annotated["Class", lazy("klass")]]:
        return await referring_versions(info, _rec(self), "class", "facet_uuid", filter, limit, cursor)  # type: ignore[return-value]


FacetResponse, FacetResponsePaged, FacetResponseRegistration = response_types("facet", Facet, "Facet", "facet")
