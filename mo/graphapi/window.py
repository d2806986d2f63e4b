"""The window a read looks through: days of validity and a registration time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from strawberry import UNSET

from bitemporal import NEG_INF, POS_INF, Interval
from mo.service.errors import InvalidInterval
from mo.timezone import day_after, day_of


@dataclass(frozen=True, slots=True)
class Window:
    """Days ``interval`` as registered at ``registration_time`` (``None``: now).

    Windows key the loaders' caches, so the hash is computed once, not per lookup.
    """

    interval: Interval
    registration_time: datetime | None = None
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.interval, self.registration_time)))

    def __hash__(self) -> int:
        return self._hash

    def narrow(self, interval: Interval) -> Window:
        inside = self.interval.intersect(interval)
        return Window(inside or self.interval, self.registration_time)


def span_of(windows: Sequence[Window]) -> Interval:
    """The days from the earliest start to the latest end of ``windows``."""
    return Interval(min(w.interval.start for w in windows), max(w.interval.end for w in windows))


def resolve(
    start: Any,
    end: Any,
    today: date,
    *,
    default: Window | None = None,
    registration_time: datetime | None = None,
    start_name: str = "from_date",
    end_name: str = "to_date",
) -> Window:
    """The window for a pair of client bounds, with OS2mo's defaults.

    ``UNSET`` start: ``default``'s start (else today); ``UNSET`` end: the start day
    alone when the start was given, else ``default``'s end; ``None``: infinite.
    """
    if start is UNSET and end is UNSET and default is not None:
        return Window(default.interval, registration_time if registration_time is not None else default.registration_time)
    if start is UNSET:
        first = default.interval.start if default is not None else today
    elif start is None:
        first = NEG_INF
    else:
        first = day_of(start)
    if end is UNSET:
        if start is UNSET and default is not None:
            last = default.interval.end
        elif first == NEG_INF:
            raise InvalidInterval(
                f"{end_name} must be given (a date, or null for no end) when {start_name} is null", field=end_name
            )
        else:
            last = first + timedelta(days=1)
    elif end is None:
        last = POS_INF
    else:
        if first != NEG_INF and day_of(end) < first:
            raise InvalidInterval(f"{end_name} must not be before {start_name}", field=end_name)
        last = max(day_after(end), first + timedelta(days=1)) if first != NEG_INF else day_after(end)
    if last <= first:
        raise InvalidInterval(f"{end_name} must be after {start_name}", field=end_name)
    return Window(Interval(first, last), registration_time)
