"""The read entry points: a collection per object type, the audit log, and the rest."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from mo.auth.access_log import note_read
from mo.auth.permissions import needs
from mo.db.tables import registrations as audit
from mo.graphapi import joined, paging
from mo.graphapi.collection import PageInfoValue, PagedValue, collection
from mo.graphapi.context import context
from mo.graphapi.fast import Precompleted, precomplete, prefetch
from mo.graphapi.filters import inputs as f
from mo.graphapi.managers import managers_of
from mo.graphapi.records import ResponseValue
from mo.graphapi.response import AUDIT_TYPES, Actor, IRegistration, PageInfo, UnknownActor
from mo.graphapi.scalars import Cursor, DateTime, LimitInt
from mo.graphapi.types.fields import lazy_type
from mo.graphapi.types.organisation import Organisation, load_organisation

VERSION = "0.1.0"
PERSONS_DEPRECATION = "Use 'persons' instead. Will be removed in a future version of OS2mo."


def listing(model: str, filter_type: type, description: str, deprecation: str | None = None, *, permission: str) -> Any:
    """A root collection field; it needs ``permission`` (and records the read for the access log)."""

    async def resolve(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
        answer = await joined.answer(info._raw_info, model, filter, limit, cursor)
        if answer is not None:
            return Precompleted(answer)
        page = await collection(info, model, filter, limit, cursor)
        note_read(info, model, filter, page)
        await prefetch(info._raw_info, [page])
        return precomplete(info._raw_info, page)

    resolve.__mo_listing__ = model  # type: ignore[attr-defined]  # what mo.graphapi.planned answers
    resolve.__annotations__ = {
        "info": Info,
        "filter": Optional[filter_type],
        "limit": Optional[LimitInt],
        "cursor": Optional[Cursor],
        "return": lazy_type(model, "ResponsePaged"),
    }
    return strawberry.field(
        resolver=resolve, description=description, deprecation_reason=deprecation, permission_classes=needs(permission)
    )


COLLECTIONS: dict[str, Any] = {
    "addresses": listing("address", f.AddressFilter, "Addresses matching the filter.", permission="read_addresses"),
    "associations": listing(
        "association",
        f.AssociationFilter,
        "Associations matching the filter.",
        permission="read_associations",
    ),
    "classes": listing("class", f.ClassFilter, "Classes matching the filter.", permission="read_classes"),
    "employees": listing(
        "person",
        f.EmployeeFilter,
        "Persons matching the filter (old name of persons).",
        PERSONS_DEPRECATION,
        permission="read_persons",
    ),
    "persons": listing("person", f.EmployeeFilter, "Persons matching the filter.", permission="read_persons"),
    "engagements": listing(
        "engagement",
        f.EngagementFilter,
        "Engagements matching the filter.",
        permission="read_engagements",
    ),
    "facets": listing("facet", f.FacetFilter, "Facets matching the filter.", permission="read_facets"),
    "itsystems": listing("itsystem", f.ITSystemFilter, "IT systems matching the filter.", permission="read_itsystems"),
    "itusers": listing("ituser", f.ITUserFilter, "IT users matching the filter.", permission="read_itusers"),
    "kles": listing("kle", f.KLEFilter, "KLE annotations matching the filter.", permission="read_kles"),
    "leaves": listing("leave", f.LeaveFilter, "Leaves matching the filter.", permission="read_leaves"),
    "owners": listing("owner", f.OwnerFilter, "Owners matching the filter.", permission="read_owners"),
    "org_units": listing(
        "org_unit",
        f.OrganisationUnitFilter,
        "Organisation units matching the filter.",
        permission="read_org_units",
    ),
    "related_units": listing(
        "related_unit",
        f.RelatedUnitFilter,
        "Unit relations matching the filter.",
        permission="read_related_units",
    ),
    "rolebindings": listing(
        "rolebinding",
        f.RoleBindingFilter,
        "Role bindings matching the filter.",
        permission="read_rolebindings",
    ),
}


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


@strawberry.type(description="Whether a part the service depends on works.")
class Health:
    identifier: str = strawberry.field(description="The part checked, e.g. `database`.")
    status: Optional[bool] = strawberry.field(description="Whether it works; null if it could not be checked.")


@strawberry.input(description="Selects health checks.")
class HealthFilter:
    identifiers: Optional[list[str]] = strawberry.field(default=None, description="Only these checks.")


@strawberry.type(description="A page of health checks.")
class HealthPaged:
    objects: list[Health] = strawberry.field(description="The checks.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.input(description="Selects registrations in the audit log.")
class RegistrationFilter:
    uuids: Optional[list[strawberry.ID]] = strawberry.field(default=None, description="Only registrations of these objects.")
    actors: Optional[list[strawberry.ID]] = strawberry.field(default=None, description="Only registrations by these actors.")
    models: Optional[list[str]] = strawberry.field(default=None, description="Only these object types, e.g. `org_unit`.")
    start: Optional[DateTime] = strawberry.field(default=None, description="Only registrations at or after this time.")
    end: Optional[DateTime] = strawberry.field(default=None, description="Only registrations at or before this time.")


@strawberry.type(description="A page of the audit log.")
class IRegistrationPaged:
    objects: list[IRegistration] = strawberry.field(description="The registrations, newest first.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


async def _healths(info: Info) -> list[Health]:
    try:
        await context(info).execute(select(1))
        database = True
    except Exception:  # noqa: BLE001 - a health check reports, it does not raise
        database = False
    return [Health(identifier="database", status=database)]


@strawberry.type(description="Every read of the registry.")
class Query:
    locals().update(COLLECTIONS)

    @strawberry.field(
        description="Manager roles matching the filter; with `inherit`, units without one get their nearest managed ancestor's.",
        permission_classes=needs("read_managers"),
    )
    async def managers(
        self,
        info: Info,
        filter: Optional[f.ManagerFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
        inherit: bool = False,
    ) -> lazy_type("manager", "ResponsePaged"):  # type: ignore[valid-type]
        if not inherit:
            page = await collection(info, "manager", filter, limit, cursor)
        else:
            page = await _inherited_managers(info, filter)
        note_read(info, "manager", filter, page)
        return page

    @strawberry.field(
        description="The audit log: registrations of every object type, newest first.",
        permission_classes=needs("read_registrations"),
    )
    async def registrations(
        self,
        info: Info,
        filter: Optional[RegistrationFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> IRegistrationPaged:
        return await _audit(info, filter, limit, cursor)

    @strawberry.field(
        description="Checks of the parts the service depends on.",
        permission_classes=needs("read_healths"),
    )
    async def healths(
        self,
        info: Info,
        filter: Optional[HealthFilter] = None,  # noqa: A002
        limit: Optional[LimitInt] = None,
        cursor: Optional[Cursor] = None,
    ) -> HealthPaged:
        checks = await _healths(info)
        if filter is not None and filter.identifiers is not None:
            checks = [c for c in checks if c.identifier in filter.identifiers]
        return HealthPaged(objects=checks, page_info=PageInfo(next_cursor=None))

    @strawberry.field(
        description="The organisation root.",
        deprecation_reason="The root organisation concept will be removed.",
        permission_classes=needs("read_org"),
    )
    async def org(self, info: Info) -> Organisation:
        return await load_organisation(info)

    @strawberry.field(description="The caller.", permission_classes=needs("read_me"))
    def me(self, info: Info) -> Myself:
        principal = context(info).principal
        return Myself(
            actor=UnknownActor(uuid=principal.actor),
            email=principal.email,
            username=principal.username,
            roles=sorted(principal.roles),
        )

    @strawberry.field(description="The running software's version.", permission_classes=needs("read_version"))
    def version(self) -> VersionInfo:
        return VersionInfo(mo_version=VERSION, mo_hash=None)


async def _inherited_managers(info: Info, flt: Any) -> PagedValue:
    """Managers of the units the filter names, inherited up the tree where a unit has none."""
    ctx = context(info)
    unit_filter = None
    if flt is not None and getattr(flt, "org_unit", None) not in (None, strawberry.UNSET):
        unit_filter = flt.org_unit
    elif flt is not None and flt.org_units is not None:
        unit_filter = f.OrganisationUnitFilter(uuids=flt.org_units)
    units = await collection(info, "org_unit", unit_filter, None, None)
    loader = ctx.loaders.versions("org_unit")
    versions = await loader.load_many([(u.uuid, u.window) for u in units.objects])
    rest = None
    narrowing = {
        k: getattr(flt, k)
        for k in ("uuids", "user_keys", "employee", "employees", "responsibility", "manager_type", "exclude")
        if flt is not None and getattr(flt, k) not in (None, strawberry.UNSET)
    }
    if narrowing:  # without any, the walks up the tree take the batched path
        rest = f.OrgUnitboundmanagerfilter(**narrowing)
    found: dict[Any, ResponseValue] = {}
    # gathered, so that the units' walks up the tree share their statements
    walks = await asyncio.gather(*(managers_of(info, v[0], rest, inherit=True) for v in versions if v))
    for managers in walks:
        for manager in managers:
            found.setdefault(manager.uuid, ResponseValue(manager.uuid, units.objects[0].window))
    return PagedValue(list(found.values()), PageInfoValue(None))


async def _audit(info: Info, flt: Any, limit: int | None, cursor: str | None) -> IRegistrationPaged:
    reg, obj = audit.registration, audit.registration_object
    statement = select(reg.c.id, reg.c.time, reg.c.actor, reg.c.note, obj.c.model, obj.c.uuid).join(
        obj, obj.c.registration_id == reg.c.id
    )
    if flt is not None:
        if flt.uuids is not None:
            statement = statement.where(obj.c.uuid.in_([paging_uuid(u) for u in flt.uuids]))
        if flt.actors is not None:
            statement = statement.where(reg.c.actor.in_([paging_uuid(u) for u in flt.actors]))
        if flt.models is not None:
            statement = statement.where(obj.c.model.in_(flt.models))
        if flt.start is not None:
            statement = statement.where(reg.c.time >= flt.start)
        if flt.end is not None:
            statement = statement.where(reg.c.time <= flt.end)
    offset = int(paging.decode_offset(cursor)) if cursor else 0
    statement = statement.order_by(reg.c.time.desc(), reg.c.id.desc(), obj.c.uuid).offset(offset)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows = list(await context(info).execute(statement))
    next_cursor = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        next_cursor = paging.encode_offset(offset + limit)
    objects = [
        AUDIT_TYPES[row.model](
            registration_id=row.id, start=row.time, end=None, actor=row.actor, model=row.model, uuid=row.uuid, note=row.note
        )
        for row in rows
        if row.model in AUDIT_TYPES
    ]
    return IRegistrationPaged(objects=objects, page_info=PageInfo(next_cursor=next_cursor))


def paging_uuid(value: Any) -> Any:
    from uuid import UUID

    return value if isinstance(value, UUID) else UUID(str(value))
