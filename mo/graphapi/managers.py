"""Managers of a unit, optionally inherited from the nearest managed ancestor."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.types import Info

from mo.graphapi.ancestors import Ancestry
from mo.graphapi.context import context
from mo.graphapi.records import Record
from mo.graphapi.relations import referring_versions, representative, representatives, to_version

MAX_DEPTH = 100


async def managers_of(
    info: Info, unit: Record, flt: Any, *, inherit: bool, exclude: UUID | None = None
) -> list[Record]:
    """The manager roles of ``unit`` at its window; with ``inherit``, walk up the tree
    until a unit has one (roles held by ``exclude`` do not count).

    Without a filter the walk costs three statements whatever the depth: the units
    above (one recursive statement), then the manager roles of every unit on the
    way and their versions, each level's in the same batch.
    """
    if not inherit:
        return _without(await referring_versions(info, unit, "manager", "org_unit_uuid", flt, None, None), exclude)
    if flt is not None:
        return await _walk_with_filter(info, unit, flt, exclude)
    ctx = context(info)
    chain = _chain(unit, await ctx.loaders.ancestors.load((unit.uuid, unit.relation_window)))
    windows = [level.relation_window for level in chain]
    holders = await ctx.loaders.reverse("manager", "org_unit_uuid").load_many(
        (level.uuid, window) for level, window in zip(chain, windows, strict=True)
    )
    levels = [[(uuid, window) for uuid in dict.fromkeys(uuids)] for uuids, window in zip(holders, windows, strict=True)]
    versions = iter(await ctx.loaders.versions("manager").load_many(key for level in levels for key in level))
    for level in levels:
        found = _without(representatives(level, [next(versions) for _ in level]), exclude)
        if found:
            return found
    return []


def _without(found: list[Record], exclude: UUID | None) -> list[Record]:
    if exclude is None:
        return found
    return [m for m in found if m.values.get("person_uuid") != exclude]


def _chain(unit: Record, ancestry: Ancestry) -> list[Record]:
    """``unit`` and the units above it, each the version ``to_version`` would give."""
    chain: list[Record] = []
    current: Record | None = unit
    seen: set[UUID] = set()
    while current is not None and current.uuid not in seen and len(seen) < MAX_DEPTH:
        seen.add(current.uuid)
        chain.append(current)
        current = _parent(current, ancestry)
    return chain


def _parent(unit: Record, ancestry: Ancestry) -> Record | None:
    target = unit.values.get("parent_uuid")
    if target is None:
        return None
    window = unit.relation_window
    versions = [
        Record(target, values, interval, window)
        for interval, values in ancestry.get(target, ())
        if interval.overlaps(window.interval)
    ]
    return representative(versions, window)


async def _walk_with_filter(info: Info, unit: Record, flt: Any, exclude: UUID | None) -> list[Record]:
    """The walk one level at a time, for filters only a collection query can apply."""
    current: Record | None = unit
    seen: set[UUID] = set()
    while current is not None and current.uuid not in seen and len(seen) < MAX_DEPTH:
        seen.add(current.uuid)
        found = _without(await referring_versions(info, current, "manager", "org_unit_uuid", flt, None, None), exclude)
        if found:
            return found
        current = await to_version(info, current, "org_unit", "parent_uuid")
    return []
