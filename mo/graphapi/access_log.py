"""``access_log``: OS2mo v29's read access log, for admins (``read_access_log``).

Rows are written by ``mo.auth.access_log`` when ``MO_ACCESS_LOG`` is on.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from sqlalchemy import false, or_, select
from strawberry.types import Info

from mo.auth.access_log import note_read
from mo.auth.permissions import needs
from mo.db.tables import access_log as table
from mo.graphapi import paging
from mo.graphapi.context import context
from mo.graphapi.response import Actor, PageInfo, UnknownActor
from mo.graphapi.scalars import Cursor, DateTime, LimitInt
from mo.model import MODELS


@strawberry.enum(description="The kind of object an access log entry is about (OS2mo's names).")
class AccessLogModel(Enum):
    ACCESS_LOG = "ACCESS_LOG"
    PERSON = "PERSON"
    FACET = "FACET"
    IT_SYSTEM = "IT_SYSTEM"
    CLASS = "CLASS"
    ORGANISATION = strawberry.enum_value(
        "ORGANISATION", deprecation_reason="The root organisation concept will be removed in a future version of OS2mo."
    )
    ORGANISATION_UNIT = "ORGANISATION_UNIT"
    ORGANISATION_FUNCTION = "ORGANISATION_FUNCTION"


#: our model -> its AccessLogModel; every other model is an ORGANISATION_FUNCTION.
KINDS = {
    "access_log": AccessLogModel.ACCESS_LOG,
    "person": AccessLogModel.PERSON,
    "facet": AccessLogModel.FACET,
    "itsystem": AccessLogModel.IT_SYSTEM,
    "class": AccessLogModel.CLASS,
    "org_unit": AccessLogModel.ORGANISATION_UNIT,
}


def kind_of(model: str) -> AccessLogModel:
    return KINDS.get(model, AccessLogModel.ORGANISATION_FUNCTION)


def models_of(kind: AccessLogModel) -> list[str]:
    return [m for m in [*MODELS, "access_log"] if kind_of(m) == kind]


@strawberry.type(description="A read of the registry: who read which objects, when, through which field and filter.")
class AccessLog:
    id: UUID = strawberry.field(description="The entry's id.")
    time: DateTime = strawberry.field(description="When the read happened.")
    actor: UUID = strawberry.field(
        description="Who read (the token's subject).", deprecation_reason="Use actor_object."
    )
    model: AccessLogModel = strawberry.field(description="The kind of objects read.")
    uuids: list[UUID] = strawberry.field(description="The objects the field returned at top level.")
    field: str = strawberry.field(description="The root field read, e.g. `employees`.")
    operation: str | None = strawberry.field(description="The GraphQL operation's name, when it had one.")
    arguments: str = strawberry.field(description="The field's filter as JSON; CPR numbers are never stored.")

    @strawberry.field(description="Who read.")
    def actor_object(self) -> Actor:
        return UnknownActor(uuid=self.actor)


@strawberry.input(description="Selects access log entries; every given criterion must hold.")
class AccessLogFilter:
    ids: list[UUID] | None = strawberry.field(default=None, description="Only these entries.")
    uuids: list[UUID] | None = strawberry.field(
        default=None, description="Only entries that read one of these objects."
    )
    actors: list[UUID] | None = strawberry.field(default=None, description="Only reads by these actors.")
    models: list[AccessLogModel] | None = strawberry.field(default=None, description="Only reads of these kinds.")
    start: DateTime | None = strawberry.field(default=None, description="Only reads at or after this time.")
    end: DateTime | None = strawberry.field(default=None, description="Only reads at or before this time.")


@strawberry.type(description="A page of the access log.")
class AccessLogPaged:
    objects: list[AccessLog] = strawberry.field(description="The entries, newest first.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="The read access log.")
class AccessLogQuery:
    @strawberry.field(
        description="Who read which objects, newest first; recorded when `MO_ACCESS_LOG` is on. Admins only.",
        permission_classes=needs("read_access_log"),
    )
    async def access_log(
        self,
        info: Info,
        filter: AccessLogFilter | None = None,  # noqa: A002
        limit: LimitInt | None = None,
        cursor: Cursor | None = None,
    ) -> AccessLogPaged:
        page = await _read(info, filter, limit, cursor)
        note_read(info, "access_log", filter, page, uuids=[entry.id for entry in page.objects])
        return page


async def _read(info: Info, flt: AccessLogFilter | None, limit: int | None, cursor: str | None) -> AccessLogPaged:
    t = table
    statement = select(t)
    if flt is not None:
        if flt.ids is not None:
            statement = statement.where(t.c.id.in_(flt.ids))
        if flt.uuids is not None:
            statement = statement.where(or_(*(t.c.uuids.contains(str(u)) for u in flt.uuids)) if flt.uuids else false())
        if flt.actors is not None:
            statement = statement.where(t.c.actor.in_(flt.actors))
        if flt.models is not None:
            statement = statement.where(t.c.model.in_([m for kind in flt.models for m in models_of(kind)]))
        if flt.start is not None:
            statement = statement.where(t.c.time >= _aware(flt.start))
        if flt.end is not None:
            statement = statement.where(t.c.time <= _aware(flt.end))
    offset = paging.decode_offset(cursor) if cursor else 0
    statement = statement.order_by(t.c.time.desc(), t.c.id).offset(offset)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows = list(await context(info).execute(statement))
    next_cursor = None
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        next_cursor = Cursor(paging.encode_offset(offset + limit))
    return AccessLogPaged(objects=[_entry(row) for row in rows], page_info=PageInfo(next_cursor=next_cursor))


def _entry(row: Any) -> AccessLog:
    return AccessLog(
        id=row.id,
        time=row.time,
        actor=row.actor,
        model=kind_of(row.model),
        uuids=[UUID(u) for u in json.loads(row.uuids)],
        field=row.field,
        operation=row.operation,
        arguments=row.arguments,
    )


def _aware(value: datetime) -> datetime:
    from mo.timezone import zone

    return value if value.tzinfo is not None else value.replace(tzinfo=zone())
