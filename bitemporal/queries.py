"""Select-clause builders for the two time axes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Table, and_, or_

from bitemporal.intervals import Interval
from bitemporal.versions import Version


def registered_at(table: Table, registration_time: datetime | None) -> ColumnElement[bool]:
    """Rows believed at ``registration_time``; ``None`` means what is believed now.

    "Now" is written as ``reg_to IS NULL`` rather than a comparison with the clock,
    so that it uses the partial indexes over current rows.
    """
    if registration_time is None:
        return table.c.reg_to.is_(None)
    return and_(
        table.c.reg_from <= registration_time,
        or_(table.c.reg_to.is_(None), table.c.reg_to > registration_time),
    )


def overlapping(table: Table, window: Interval) -> ColumnElement[bool]:
    """Rows whose validity shares at least one day with ``window``."""
    return and_(table.c.valid_from < window.end, table.c.valid_to > window.start)


def to_version(row: Row[Any] | Mapping[str, Any], fields: Iterable[str]) -> Version:
    """A ``Version`` from a row holding the temporal columns and ``fields``."""
    mapping = row._mapping if isinstance(row, Row) else row
    return Version(
        Interval(mapping["valid_from"], mapping["valid_to"]),
        {name: mapping[name] for name in fields},
        row_id=mapping["id"],
    )
