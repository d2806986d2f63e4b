"""Scalars of the API: CPR, Cursor, the v29 ``int`` limit, and DateTime."""

from __future__ import annotations

from datetime import datetime
from typing import NewType

import strawberry

from mo.service.cpr import parse_cpr
from mo.service.errors import InvalidDate

CPR = NewType("CPR", str)
Cursor = NewType("Cursor", str)
LimitInt = NewType("LimitInt", int)
DateTime = NewType("DateTime", datetime)

_CPR_SCALAR = strawberry.scalar(
    name="CPR",
    description="A Danish civil registration (CPR) number: ten digits, DDMMYYXXXX; a dash after the date is accepted.",
    serialize=str,
    parse_value=parse_cpr,
)

_CURSOR_SCALAR = strawberry.scalar(
    name="Cursor",
    description="An opaque position in a paged result; pass `page_info.next_cursor` to get the next page.",
    serialize=str,
    parse_value=str,
)


def _parse_limit(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"limit must be a non-negative whole number, got {value!r}")
    return value


_LIMIT_SCALAR = strawberry.scalar(
    name="int",
    description="A page size: a non-negative whole number.",
    serialize=int,
    parse_value=_parse_limit,
)


def _parse_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise InvalidDate(f"expected an ISO 8601 date or date-time string, got {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidDate(f"{value!r} is not an ISO 8601 date or date-time (e.g. 2026-12-01 or 2026-12-01T00:00:00+01:00)")


def _serialize_datetime(value: datetime) -> str:
    return value.isoformat()


_DATETIME_SCALAR = strawberry.scalar(
    name="DateTime",
    description=(
        "An instant in ISO 8601. Validity bounds are local midnights (2026-12-01T00:00:00+01:00); "
        "a plain date (2026-12-01) is accepted as its midnight. A value without offset is local time."
    ),
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)

#: Our scalars, for ``StrawberryConfig(scalar_map=...)``.
SCALAR_MAP = {CPR: _CPR_SCALAR, Cursor: _CURSOR_SCALAR, LimitInt: _LIMIT_SCALAR, DateTime: _DATETIME_SCALAR}
