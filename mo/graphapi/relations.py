"""Resolving relations between versions, batched through the dataloaders.

A relation of a version is read through the version's own window (its validity
within the window it was read through), so relations are "as of the same time".
"""

from __future__ import annotations

from typing import Any, Iterable
from uuid import UUID

from strawberry.types import Info

from bitemporal import Interval
from mo.db.tables import TABLES
from mo.graphapi import joined
from mo.graphapi.collection import PagedValue, PageInfoValue, collection
from mo.graphapi.context import context
from mo.graphapi.fast import SLOW, Fast, Prefetch, no_arguments, pruned
from mo.graphapi.loaders import MISSING
from mo.graphapi.records import Record, ResponseValue
from mo.graphapi.window import Window


def page_of(uuids: Iterable[UUID], window: Window) -> PagedValue:
    """One page holding each of ``uuids`` once, in order, read through ``window``."""
    return PagedValue([ResponseValue(uuid, window) for uuid in dict.fromkeys(uuids)], PageInfoValue(None))


def to_response(record: Record, column: str) -> ResponseValue | None:
    target = record.values.get(column)
    return None if target is None else ResponseValue(target, record.relation_window)


def representative(versions: list[Record], window: Window) -> Record | None:
    """The version that stands for an object in ``window``: the one valid on the
    window's first day, else the first one overlapping it."""
    for version in versions:
        if version.interval.contains(window.interval.start):
            return version
    return versions[0] if versions else None


async def to_versions(info: Info, record: Record, model: str, column: str) -> list[Record]:
    """The target as OS2mo's deprecated list fields give it: one version, or none."""
    target = record.values.get(column)
    if target is None:
        return []
    window = record.relation_window
    found = representative(await context(info).loaders.versions(model).load((target, window)), window)
    return [] if found is None else [found]


async def to_version(info: Info, record: Record, model: str, column: str, *, required: bool = False) -> Record | None:
    """The target version at the start of the record's window.

    For a required relation whose target is not valid in that window, the
    target's latest version is given rather than failing the whole response.
    """
    found = await to_versions(info, record, model, column)
    if found:
        return found[0]
    target = record.values.get(column)
    if required and target is not None:
        window = Window(Interval(), record.window.registration_time)
        anywhere = await context(info).loaders.versions(model).load((target, window))
        return anywhere[-1] if anywhere else None
    return None


async def referring(
    info: Info, record: Record, model: str, column: str, flt: Any, limit: int | None, cursor: str | None
) -> PagedValue:
    """The ``model`` objects whose ``column`` points at ``record``, as a page."""
    window = record.relation_window
    if flt is None and limit is None and cursor is None:
        return page_of(await context(info).loaders.reverse(model, column).load((record.uuid, window)), window)
    table = TABLES[model]
    return await collection(info, model, flt, limit, cursor, extra=[table.c[column] == record.uuid], default=window)


async def referring_versions(
    info: Info, record: Record, model: str, column: str, flt: Any, limit: int | None, cursor: str | None
) -> list[Record]:
    """The versions of the objects ``referring`` finds, within their windows."""
    page = await referring(info, record, model, column, flt, limit, cursor)
    keys = [(item.uuid, item.window) for item in page.objects]
    return representatives(keys, await context(info).loaders.versions(model).load_many(keys))


def representatives(keys: list[tuple[UUID, Window]], found: list[list[Record]]) -> list[Record]:
    """For each key's versions, the one that stands for the object in the key's window."""
    chosen = (representative(versions, window) for (_, window), versions in zip(keys, found, strict=True))
    return [version for version in chosen if version is not None]



# --- lean resolvers (see mo.graphapi.fast): answer from the loaders when they hold the data ---


def _window_keys(parents: list[Any], column: str) -> list[tuple[UUID, Window]]:
    keys = []
    for parent in parents:
        if type(parent) is Record:
            target = parent.values.get(column)
            if target is not None:
                keys.append((target, parent.relation_window))
    return keys


def target_versions(model: str, column: str, many: bool, required: bool) -> tuple[Fast, Prefetch]:
    """A forward relation's deprecated field: the target's representative version
    (in a list when ``many``); see ``to_versions`` and ``to_version``."""

    def fast(source: Any, info: Any, arguments: dict[str, Any], columns: frozenset[str] | None = None) -> Any:
        if type(source) is not Record or not no_arguments(arguments):
            return SLOW
        target = source.values.get(column)
        if target is None:
            return ([] if required else None) if many else None
        window = source.relation_window
        found = info.context.loaders.versions(model, columns).peek((target, window))
        if found is MISSING:
            return SLOW
        chosen = representative(found, window)
        if many:
            return [] if chosen is None else [chosen]
        return SLOW if chosen is None and required else chosen

    async def prefetch(
        info: Any, parents: list[Any], arguments: dict[str, Any], columns: frozenset[str] | None = None
    ) -> list[Any] | None:
        if not no_arguments(arguments):
            return None
        await context(info).loaders.versions(model, columns).load_many(_window_keys(parents, column))
        return []  # the values come from ``fast`` (mo.graphapi.fast.prefetch)

    joined.declare(fast, joined.Forward(model, column, many, required))
    return pruned(fast, prefetch)


def target_response(column: str) -> tuple[Fast, Prefetch]:
    """A forward relation's ``<name>_response`` field."""

    def fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
        return to_response(source, column) if type(source) is Record else SLOW

    async def prefetch(info: Any, parents: list[Any], arguments: dict[str, Any]) -> list[Any] | None:
        return []  # nothing to load: the values come from ``fast``

    return fast, prefetch


def _referring_uuids(info: Any, source: Any, model: str, column: str, arguments: dict[str, Any]) -> Any:
    if type(source) is not Record or not no_arguments(arguments):
        return SLOW, None
    window = source.relation_window
    uuids = info.context.loaders.reverse(model, column).peek((source.uuid, window))
    return (SLOW, None) if uuids is MISSING else (uuids, window)


def _reverse_keys(parents: list[Any]) -> list[tuple[UUID, Window]]:
    """The reverse loaders' keys of ``parents``: each version's uuid and relation window."""
    return [(parent.uuid, parent.relation_window) for parent in parents if type(parent) is Record]


def referring_page(model: str, column: str) -> tuple[Fast, Prefetch]:
    """A reverse relation as a page (``<name>_response``); see ``referring``."""

    def fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
        uuids, window = _referring_uuids(info, source, model, column, arguments)
        return SLOW if uuids is SLOW else page_of(uuids, window)

    async def prefetch(info: Any, parents: list[Any], arguments: dict[str, Any]) -> list[Any] | None:
        if not no_arguments(arguments):
            return None
        await context(info).loaders.reverse(model, column).load_many(_reverse_keys(parents))
        return []

    return fast, prefetch


def referring_version_list(model: str, column: str) -> tuple[Fast, Prefetch]:
    """A reverse relation's deprecated field: the referring objects' versions; see ``referring_versions``."""

    def fast(source: Any, info: Any, arguments: dict[str, Any], columns: frozenset[str] | None = None) -> Any:
        uuids, window = _referring_uuids(info, source, model, column, arguments)
        if uuids is SLOW:
            return SLOW
        loader = info.context.loaders.versions(model, columns)
        keys = [(uuid, window) for uuid in uuids]
        found = [loader.peek(key) for key in keys]
        return SLOW if MISSING in found else representatives(keys, found)

    async def prefetch(
        info: Any, parents: list[Any], arguments: dict[str, Any], columns: frozenset[str] | None = None
    ) -> list[Any] | None:
        if not no_arguments(arguments):
            return None
        # the reverse lookup and the versions it finds, in one statement
        await context(info).loaders.referring(model, column, columns).load_many(_reverse_keys(parents))
        return []

    joined.declare(fast, joined.Reverse(model, column))
    return pruned(fast, prefetch)
