"""Writes that span several objects: setting a unit's related units."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import or_, select

from bitemporal import Interval, overlapping, registered_at
from mo.db.tables import TABLES
from mo.model import MODELS
from mo.service import writes
from mo.service.context import WriteContext


async def set_related_units(ctx: WriteContext, origin: UUID, destinations: list[UUID], interval: Interval) -> UUID | None:
    """From ``interval.start``, ``origin`` is related to exactly ``destinations``.

    Relations to other units end at ``interval.start``; missing ones are created.
    Returns the uuid of the first relation created or kept.
    """
    model = MODELS["related_unit"]
    t = TABLES["related_unit"]
    rows = await ctx.conn.execute(
        select(t.c.uuid, t.c.org_unit_uuid, t.c.other_org_unit_uuid)
        .where(
            registered_at(t, None),
            overlapping(t, Interval(interval.start, interval.end)),
            or_(t.c.org_unit_uuid == origin, t.c.other_org_unit_uuid == origin),
        )
        .distinct()
    )
    existing: dict[UUID, UUID] = {}
    for row in rows:
        other = row.other_org_unit_uuid if row.org_unit_uuid == origin else row.org_unit_uuid
        existing[other] = row.uuid
    wanted = set(destinations)
    first: UUID | None = None
    for other, relation in existing.items():
        if other not in wanted:
            await writes.terminate(ctx, model, relation, Interval(interval.start))
        elif first is None:
            first = relation
    for other in destinations:
        if other not in existing:
            created = await writes.create(
                ctx, model, None, interval, {"org_unit_uuid": origin, "other_org_unit_uuid": other}
            )
            first = first or created
    return first
