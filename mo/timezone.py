"""Days and instants: validity is whole days in the registry's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bitemporal import NEG_INF, POS_INF
from mo.config import get_settings
from mo.service.errors import InvalidDate


@lru_cache
def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def local(value: datetime) -> datetime:
    """``value`` in the registry's zone; naive values are taken to be local already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=zone())
    return value.astimezone(zone())


def day_of(value: datetime | date) -> date:
    """The local day an instant falls on."""
    if isinstance(value, datetime):
        return local(value).date()
    return value


def day_after(value: datetime | date) -> date:
    """The first day not touched by an instant used as an end bound.

    A midnight ends the previous day; any later instant touches its own day too.
    """
    if isinstance(value, datetime):
        moment = local(value)
        if moment.timetz().replace(tzinfo=None) == time(0):
            return moment.date()
        return moment.date() + timedelta(days=1)
    return value


def validity_day(value: datetime | date | None, field: str) -> date | None:
    """A validity bound given by a client: it must be a local midnight."""
    if value is None or not isinstance(value, datetime):
        return value
    moment = local(value)
    if moment.timetz().replace(tzinfo=None) != time(0):
        raise InvalidDate(
            f"{field} must be a date or a local midnight in {zone().key}, got {value.isoformat()}",
            field=field,
        )
    return moment.date()


def midnight(day: date) -> datetime | None:
    """The local midnight that starts ``day``; infinite sentinels give ``None``."""
    if day in (NEG_INF, POS_INF):
        return None
    return datetime.combine(day, time(0), zone())
