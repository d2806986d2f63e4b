"""Scalars of the API: CPR, Cursor, the v29 ``int`` limit, and DateTime."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NewType

import strawberry

from mo.service.errors import InvalidCPR, InvalidDate

_CPR = re.compile(r"^(\d{2})(\d{2})(\d{2})-?(\d{4})$")


def century(year2: int, seventh: int) -> int:
    """The century of a CPR birth date from the first digit of its serial number."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year2 <= 36 else 1900
    if seventh <= 8:
        return 2000 if year2 <= 57 else 1800
    return 1900  # pragma: no cover - all digits are covered above


def parse_cpr(value: object) -> str:
    """A CPR number as ten digits; the date part must be a real date."""
    if not isinstance(value, str):
        raise InvalidCPR(f"a CPR number is a string of ten digits (DDMMYYXXXX), got {value!r}", field="cpr_number")
    match = _CPR.match(value.strip())
    if match is None:
        raise InvalidCPR(f"a CPR number is ten digits (DDMMYYXXXX), got {value!r}", field="cpr_number")
    day, month, year2, serial = match.groups()
    try:
        date(century(int(year2), int(serial[0])) + int(year2), int(month), int(day))
    except ValueError:
        raise InvalidCPR(f"{value!r} is not a CPR number: {day}-{month}-{year2} is not a date", field="cpr_number")
    return f"{day}{month}{year2}{serial}"


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
