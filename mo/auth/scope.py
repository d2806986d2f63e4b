"""The owner role's rule: write only units and persons one owns.

An owner (a row of the ``owner`` type whose ``owner_uuid`` is the caller) owns a
unit and, through it, every unit below it; or it owns a person. A write by a
caller whose writes to a type are scoped (``Principal.scoped_models``) is allowed
when every version it replaces and every version it registers is owned:

- a unit: the unit itself, or its parent (as the version names it) or any
  ancestor above that, has an owner row naming the caller;
- a person: an owner row names the caller as the person's owner;
- anything else (engagements, addresses, ...): its unit or its person is owned.

Ownership is judged on one day: today, when the write changes today, else the
day of the write nearest to today; owner rows and the unit tree are read as
registered now, valid on that day. The check sits in the service layer's write
path (``mo.service.writes``), under every mutation, so GraphQL cannot go around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import select

from bitemporal import Interval, Version, registered_at
from mo.db.tables import TABLES
from mo.model import Model
from mo.service.context import WriteContext
from mo.service.errors import MOError

#: Fields through which an object belongs to a unit or to a person.
UNIT_FIELDS = ("org_unit_uuid", "other_org_unit_uuid")
PERSON_FIELDS = ("person_uuid",)
MAX_DEPTH = 1000


class OutsideScope(MOError):
    code = "FORBIDDEN"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.extensions = {"scope": "owner"}


class OwnerScope:
    """The write guard of one request by a scoped caller."""

    def __init__(self, owner: UUID, models: frozenset[str]) -> None:
        self.owner = owner
        self.models = models
        self._units: dict[date, set[UUID]] = {}
        self._persons: dict[date, set[UUID]] = {}

    async def __call__(
        self, ctx: WriteContext, model: Model, uuid: UUID, closed: Sequence[Version], inserted: Sequence[Version]
    ) -> None:
        if model.name not in self.models:
            return  # not the caller's to write at all (the field's permission decided), or a cascade
        changed = [
            v for v in inserted if not any(c.values == v.values and c.interval.covers(v.interval) for c in closed)
        ]
        spans = [v.interval for v in changed] + [
            gap for c in closed for gap in _uncovered(c.interval, [v.interval for v in inserted])
        ]
        if not spans:
            return
        day = _nearest(ctx.today, Interval(min(s.start for s in spans), max(s.end for s in spans)))
        for version in list(changed) + [c for c in closed if c.interval.overlaps(_hull(spans))]:
            if not await self._owned(ctx, model, uuid, version.values, day):
                raise OutsideScope(
                    f"forbidden: the owner role writes only units and persons it owns (directly or through a unit "
                    f"above); the {model.title} {uuid} is not owned by {self.owner} on {day}",
                    field="uuid",
                )

    async def _owned(self, ctx: WriteContext, model: Model, uuid: UUID, values: Any, day: date) -> bool:
        if model.name == "org_unit":
            if uuid in await self._owned_units(ctx, day):
                return True
            parent = values.get("parent_uuid")
            return parent is not None and await self._unit_owned(ctx, parent, day)
        if model.name == "person":
            return uuid in await self._owned_persons(ctx, day)
        for name in PERSON_FIELDS:
            if values.get(name) is not None and values[name] in await self._owned_persons(ctx, day):
                return True
        for name in UNIT_FIELDS:
            if values.get(name) is not None and await self._unit_owned(ctx, values[name], day):
                return True
        return False

    async def _unit_owned(self, ctx: WriteContext, unit: UUID, day: date) -> bool:
        owned = await self._owned_units(ctx, day)
        t = TABLES["org_unit"]
        seen: set[UUID] = set()
        current: UUID | None = unit
        while current is not None and current not in seen and len(seen) < MAX_DEPTH:
            if current in owned:
                return True
            seen.add(current)
            current = await ctx.conn.scalar(
                select(t.c.parent_uuid).where(
                    t.c.uuid == current, registered_at(t, None), t.c.valid_from <= day, t.c.valid_to > day
                )
            )
        return False

    async def _owned_units(self, ctx: WriteContext, day: date) -> set[UUID]:
        if day not in self._units:
            self._units[day] = await self._owned_of(ctx, "org_unit_uuid", day)
        return self._units[day]

    async def _owned_persons(self, ctx: WriteContext, day: date) -> set[UUID]:
        if day not in self._persons:
            self._persons[day] = await self._owned_of(ctx, "person_uuid", day)
        return self._persons[day]

    async def _owned_of(self, ctx: WriteContext, column: str, day: date) -> set[UUID]:
        t = TABLES["owner"]
        rows = await ctx.conn.execute(
            select(t.c[column]).where(
                t.c.owner_uuid == self.owner,
                t.c[column].is_not(None),
                registered_at(t, None),
                t.c.valid_from <= day,
                t.c.valid_to > day,
            )
        )
        return {row[0] for row in rows}


def _uncovered(interval: Interval, pieces: list[Interval]) -> list[Interval]:
    rest = [interval]
    for piece in pieces:
        rest = [part for r in rest for part in r.minus(piece)]
    return rest


def _hull(spans: list[Interval]) -> Interval:
    return Interval(min(s.start for s in spans), max(s.end for s in spans))


def _nearest(today: date, window: Interval) -> date:
    """``today`` if the window holds it, else the window's day nearest to it."""
    if window.contains(today):
        return today
    if window.end <= today:
        return window.end - timedelta(days=1)
    return window.start
