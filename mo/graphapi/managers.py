"""Managers of a unit, optionally inherited from the nearest managed ancestor."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.types import Info

from mo.graphapi.records import Record
from mo.graphapi.relations import referring_versions, to_version

MAX_DEPTH = 100


async def managers_of(
    info: Info, unit: Record, flt: Any, *, inherit: bool, exclude: UUID | None = None
) -> list[Record]:
    """The manager roles of ``unit`` at its window; with ``inherit``, walk up the tree
    until a unit has one (roles held by ``exclude`` do not count)."""
    current: Record | None = unit
    seen: set[UUID] = set()
    while current is not None and current.uuid not in seen and len(seen) < MAX_DEPTH:
        seen.add(current.uuid)
        found = await referring_versions(info, current, "manager", "org_unit_uuid", flt, None, None)
        if exclude is not None:
            found = [m for m in found if m.values.get("person_uuid") != exclude]
        if found or not inherit:
            return found
        current = await to_version(info, current, "org_unit", "parent_uuid")
    return []
