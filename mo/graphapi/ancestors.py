"""A unit's ancestors in one recursive statement, for walks up the unit tree.

Walking up level by level costs a statement per level. Here one recursive CTE
follows ``parent_uuid`` from each start unit through every version overlapping the
start's window and returns all those versions; the caller then walks the tree in
memory, choosing versions exactly as the dataloaders would. Windows only narrow
on the way up (a relation is read through its parent's validity), so the rows
overlapping the start's window hold every version the walk can meet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, Uuid, any_, cast, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY

from bitemporal import Interval, overlapping, registered_at
from mo.db.tables import TABLES
from mo.graphapi.window import Window, span_of
from mo.model import MODELS

Execute = Callable[[Any], Awaitable[Any]]
AncestorKey = tuple[UUID, Window]
"""A start unit and the window its relations are read through."""
Ancestry = dict[UUID, list[tuple[Interval, dict[str, Any]]]]
"""Unit uuid -> its versions (validity, field values), by start of validity."""

async def load_ancestries(execute: Execute, dialect: str, keys: Sequence[AncestorKey]) -> list[Ancestry]:
    """For each key, the versions of its unit and of every unit above it."""
    fields = MODELS["org_unit"].field_names
    by_time: dict[datetime | None, list[AncestorKey]] = defaultdict(list)
    for key in keys:
        by_time[key[1].registration_time].append(key)
    found: dict[datetime | None, Ancestry] = {}
    for registration_time, group in by_time.items():
        span = span_of([window for _, window in group])
        rows = await execute(_statement(dialect, {uuid for uuid, _ in group}, registration_time, span))
        ancestry: Ancestry = defaultdict(list)
        for row in rows:
            m = row._mapping
            ancestry[m["uuid"]].append((Interval(m["valid_from"], m["valid_to"]), {name: m[name] for name in fields}))
        found[registration_time] = ancestry
    return [found[window.registration_time] for _, window in keys]


def _statement(dialect: str, uuids: set[UUID], registration_time: datetime | None, span: Interval) -> Select[Any]:
    """The versions overlapping ``span`` of ``uuids`` and of every unit above them.

    Each step looks up the parents of one unit through a correlated subquery, so
    that it is an index lookup per unit: written as a join, both planners scan the
    whole table once per level (SQLite builds a Bloom filter, PostgreSQL a hash).
    """
    table = TABLES["org_unit"]
    live = (registered_at(table, registration_time), overlapping(table, span))
    chain = select(table.c.uuid).where(table.c.uuid.in_(uuids)).cte("chain", recursive=True)
    below = chain.alias("below")
    of_below = (table.c.uuid == below.c.uuid, table.c.parent_uuid.is_not(None), *live)
    if dialect == "postgresql":
        listed = select(func.array_agg(table.c.parent_uuid)).where(*of_below).correlate(below).scalar_subquery()
        chain = chain.union(select(func.unnest(listed)).select_from(below))
        # An array, not a subquery, on the right of ANY: an index scan for the few members.
        members = table.c.uuid == any_(cast(select(func.array_agg(chain.c.uuid)).scalar_subquery(), ARRAY(Uuid())))
    else:
        listed = select(func.json_group_array(table.c.parent_uuid)).where(*of_below).correlate(below).scalar_subquery()
        each = func.json_each(listed).table_valued("value")
        chain = chain.union(select(each.c.value).select_from(below).join(each, true()))
        members = table.c.uuid.in_(select(chain.c.uuid))
    return select(table).where(members, *live).order_by(table.c.uuid, table.c.valid_from)
