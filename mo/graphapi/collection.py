"""Listing objects: a filter, a page of uuids, and Responses that load lazily."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from strawberry.types import Info

from mo.db.tables import TABLES
from mo.graphapi import paging
from mo.graphapi.context import RequestContext, context
from mo.graphapi.filters.compiler import Compiler
from mo.graphapi.records import ResponseValue
from mo.graphapi.window import Window


@dataclass(frozen=True, slots=True)
class PageInfoValue:
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class PagedValue:
    objects: list[ResponseValue]
    page_info: PageInfoValue


async def collection(
    info: Info,
    model: str,
    flt: Any,
    limit: int | None,
    cursor: str | None,
    *,
    extra: list[ColumnElement[bool]] | None = None,
    default: Window | None = None,
) -> PagedValue:
    """One page of the ``model`` objects matching ``flt``, in uuid order."""
    ctx = context(info)
    compiler = Compiler(ctx.today)
    window, after = listing_window(ctx, flt, cursor, default)
    table = TABLES[model]
    statement = select(table.c.uuid).where(*compiler.conditions(model, flt, window), *(extra or [])).distinct()
    if after is not None:
        statement = statement.where(table.c.uuid > after)
    statement = statement.order_by(table.c.uuid)
    if limit is not None:
        statement = statement.limit(limit + 1)
    uuids = [row.uuid for row in await ctx.execute(statement)]
    return paged(ctx, uuids, limit, window)


def listing_window(
    ctx: RequestContext, flt: Any, cursor: str | None, default: Window | None = None
) -> tuple[Window, UUID | None]:
    """The window a listing reads through, and the uuid its page starts after: a
    cursor carries the registration time of the listing's first page."""
    window = Compiler(ctx.today).window(flt, default)
    after: UUID | None = None
    if cursor is not None:
        after, snapshot = paging.decode(cursor)
        if window.registration_time is None:
            window = Window(window.interval, snapshot)
    return window, after


def paged(ctx: RequestContext, uuids: list[UUID], limit: int | None, window: Window) -> PagedValue:
    """The page of ``uuids`` (read with one more than ``limit``, to know whether another page follows)."""
    next_cursor = None
    if limit is not None and len(uuids) > limit:
        uuids = uuids[:limit]
        next_cursor = paging.encode(uuids[-1], window.registration_time or ctx.now) if uuids else None
    return PagedValue([ResponseValue(uuid, window) for uuid in uuids], PageInfoValue(next_cursor))
