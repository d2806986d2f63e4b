"""Turns filter inputs into SQL over the versions tables."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from itertools import count
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, select
from strawberry import UNSET

from bitemporal import overlapping, registered_at
from mo.db.tables import TABLES
from mo.graphapi.filters.spec import FilterField, fields_of
from mo.graphapi.window import Window, resolve


@lru_cache(maxsize=512)
def _live(table: Table, window: Window) -> ColumnElement[bool]:
    # SQL expressions are immutable, so one built for a (table, window) serves every
    # request that asks for it: building it costs more than the statement's SQL.
    return and_(registered_at(table, window.registration_time), overlapping(table, window.interval))


class Compiler:
    """Compiles the filters of one request; "today" is the request's."""

    def __init__(self, today: date) -> None:
        self.today = today
        self._names = count()

    def window(self, flt: Any, default: Window | None = None) -> Window:
        """The window a filter asks for; nested filters inherit their parent's."""
        if flt is None:
            return default or Window(resolve(UNSET, UNSET, self.today).interval)
        registration_time = getattr(flt, "registration_time", UNSET)
        if registration_time in (UNSET, None):
            registration_time = default.registration_time if default is not None else None
        return resolve(
            getattr(flt, "from_date", UNSET),
            getattr(flt, "to_date", UNSET),
            self.today,
            default=default,
            registration_time=registration_time,
        )

    def live(self, table: Table, window: Window) -> ColumnElement[bool]:
        """Rows of ``table`` registered at the window's time and overlapping its days."""
        return _live(table, window)

    def conditions(
        self, model: str, flt: Any, window: Window, table: Table | None = None
    ) -> list[ColumnElement[bool]]:
        table = TABLES[model] if table is None else table
        conditions = [self.live(table, window)]
        for spec, value in given(flt):
            conditions.append(spec.apply(self, table, value, window))
        return conditions

    def uuids(self, model: str, flt: Any, outer: Window) -> Select[Any]:
        """The uuids of ``model`` objects matching a nested filter."""
        table = TABLES[model].alias(self.cte_name(model))
        window = self.window(flt, outer)
        return select(table.c.uuid).where(*self.conditions(model, flt, window, table)).correlate(None)

    def cte_name(self, prefix: str) -> str:
        return f"{prefix}_{next(self._names)}"


def given(flt: Any) -> Iterator[tuple[FilterField, Any]]:
    """The fields of a filter that make a condition, with their values: those with
    an ``apply``, given, and not null unless null selects something."""
    if flt is None:
        return
    for name, spec in fields_of(flt).items():
        value = getattr(flt, name)
        if spec.apply is None or value is UNSET:
            continue
        if value is None and not spec.null_selects:
            continue
        yield spec, value
