"""The read entry points."""

from __future__ import annotations

from typing import Optional

import strawberry
from strawberry.types import Info

from mo.config import LOCAL_ADMIN
from mo.graphapi.collection import collection
from mo.graphapi.context import context
from mo.graphapi.filters.inputs import ClassFilter, EmployeeFilter, EngagementFilter, FacetFilter, OrganisationUnitFilter
from mo.graphapi.response import Actor, UnknownActor
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.engagement import EngagementResponsePaged
from mo.graphapi.types.facet import FacetResponsePaged
from mo.graphapi.types.klass import ClassResponsePaged
from mo.graphapi.types.org_unit import OrganisationUnitResponsePaged
from mo.graphapi.types.organisation import Organisation, load_organisation
from mo.graphapi.types.person import EmployeeResponsePaged

VERSION = "0.1.0"
PERSONS_DEPRECATION = "Use 'persons' instead. Will be removed in a future version of OS2mo."


@strawberry.type(description="The caller, as the registry sees them.")
class Myself:
    actor: Actor = strawberry.field(description="The actor recorded on the caller's writes.")
    email: Optional[str] = strawberry.field(description="The caller's e-mail, when the token has one.")
    username: Optional[str] = strawberry.field(description="The caller's user name, when the token has one.")
    roles: list[str] = strawberry.field(description="The caller's roles.")


@strawberry.type(name="Version", description="The running software.")
class VersionInfo:
    mo_version: Optional[str] = strawberry.field(description="The service's version.")
    mo_hash: Optional[str] = strawberry.field(description="The source revision, when known.")


@strawberry.type(description="Every read of the registry.")
class Query:
    @strawberry.field(description="Facets matching the filter.")
    async def facets(
        self, info: Info, filter: Optional[FacetFilter] = None, limit: Optional[LimitInt] = None, cursor: Optional[Cursor] = None  # noqa: A002
    ) -> FacetResponsePaged:  # type: ignore[valid-type]
        return await collection(info, "facet", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="Classes matching the filter.")
    async def classes(
        self, info: Info, filter: Optional[ClassFilter] = None, limit: Optional[LimitInt] = None, cursor: Optional[Cursor] = None  # noqa: A002
    ) -> ClassResponsePaged:  # type: ignore[valid-type]
        return await collection(info, "class", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="Persons matching the filter.")
    async def persons(
        self, info: Info, filter: Optional[EmployeeFilter] = None, limit: Optional[LimitInt] = None, cursor: Optional[Cursor] = None  # noqa: A002
    ) -> EmployeeResponsePaged:  # type: ignore[valid-type]
        return await collection(info, "person", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="Persons matching the filter (old name of persons).", deprecation_reason=PERSONS_DEPRECATION)
    async def employees(
        self, info: Info, filter: Optional[EmployeeFilter] = None, limit: Optional[LimitInt] = None, cursor: Optional[Cursor] = None  # noqa: A002
    ) -> EmployeeResponsePaged:  # type: ignore[valid-type]
        return await collection(info, "person", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="Organisation units matching the filter.")
    async def org_units(
        self, info: Info, filter: Optional[OrganisationUnitFilter] = None, limit: Optional[LimitInt] = None, cursor: Optional[Cursor] = None  # noqa: A002
    ) -> OrganisationUnitResponsePaged:  # type: ignore[valid-type]
        return await collection(info, "org_unit", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="Engagements matching the filter.")
    async def engagements(
        self, info: Info, filter: Optional[EngagementFilter] = None, limit: Optional[LimitInt] = None, cursor: Optional[Cursor] = None  # noqa: A002
    ) -> EngagementResponsePaged:  # type: ignore[valid-type]
        return await collection(info, "engagement", filter, limit, cursor)  # type: ignore[return-value]

    @strawberry.field(description="The organisation root.", deprecation_reason="The root organisation concept will be removed.")
    async def org(self, info: Info) -> Organisation:
        return await load_organisation(info)

    @strawberry.field(description="The caller.")
    def me(self, info: Info) -> Myself:
        ctx = context(info)
        return Myself(actor=UnknownActor(uuid=ctx.actor), email=None, username=None, roles=["admin"] if ctx.actor == LOCAL_ADMIN else [])

    @strawberry.field(description="The running software's version.")
    def version(self) -> VersionInfo:
        return VersionInfo(mo_version=VERSION, mo_hash=None)
