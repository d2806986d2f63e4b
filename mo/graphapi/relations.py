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
from mo.graphapi.collection import PageInfoValue, PagedValue, collection
from mo.graphapi.context import context
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
    loader = context(info).loaders.versions(model)
    found = await loader.load_many([(item.uuid, item.window) for item in page.objects])
    chosen = (representative(versions, item.window) for versions, item in zip(found, page.objects))
    return [version for version in chosen if version is not None]

