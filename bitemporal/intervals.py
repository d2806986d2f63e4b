"""Half-open day intervals ``[start, end)`` with infinite bounds.

Validity is kept in whole days. An open bound is stored as a sentinel day so that
every comparison stays a plain ``<`` on dates (and on the database columns):
``date.min`` stands for minus infinity and ``date.max`` for plus infinity.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

NEG_INF: date = date.min
POS_INF: date = date.max


def lower(day: date | None) -> date:
    """The stored form of a start bound: ``None`` is minus infinity."""
    return NEG_INF if day is None else day


def upper(day: date | None) -> date:
    """The stored form of an end bound: ``None`` is plus infinity."""
    return POS_INF if day is None else day


def open_lower(day: date) -> date | None:
    """The public form of a stored start bound: minus infinity is ``None``."""
    return None if day == NEG_INF else day


def open_upper(day: date) -> date | None:
    """The public form of a stored end bound: plus infinity is ``None``."""
    return None if day == POS_INF else day


class EmptyInterval(ValueError):
    """Raised when an interval would not contain a single day."""


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """The days ``start <= d < end``; never empty."""

    start: date = NEG_INF
    end: date = POS_INF

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise EmptyInterval(f"interval [{self.start}, {self.end}) is empty")

    @classmethod
    def of(cls, start: date | None, end: date | None) -> Interval:
        """Build from public bounds, where ``None`` is infinite."""
        return cls(lower(start), upper(end))

    @classmethod
    def day(cls, day: date) -> Interval:
        """The interval holding exactly one day."""
        return cls(day, _next(day))

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def covers(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end

    def meets(self, other: Interval) -> bool:
        """True when ``other`` starts on the day this one ends."""
        return self.end == other.start

    def intersect(self, other: Interval) -> Interval | None:
        start = max(self.start, other.start)
        end = min(self.end, other.end)
        return Interval(start, end) if start < end else None

    def minus(self, other: Interval) -> list[Interval]:
        """The parts of this interval outside ``other`` (zero, one or two)."""
        if not self.overlaps(other):
            return [self]
        parts = []
        if self.start < other.start:
            parts.append(Interval(self.start, other.start))
        if other.end < self.end:
            parts.append(Interval(other.end, self.end))
        return parts

    def __str__(self) -> str:
        start = "-inf" if self.start == NEG_INF else self.start.isoformat()
        end = "inf" if self.end == POS_INF else self.end.isoformat()
        return f"[{start}, {end})"


def _next(day: date) -> date:
    return date.fromordinal(day.toordinal() + 1)


#: The sort key of an interval: its order (``order=True``) without a Python-level ``__lt__`` per comparison.
_BOUNDS = attrgetter("start", "end")


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Union of intervals as sorted, disjoint, non-adjacent intervals."""
    result: list[Interval] = []
    for interval in sorted(intervals, key=_BOUNDS):
        if result and result[-1].end >= interval.start:
            last = result[-1]
            if interval.end > last.end:
                result[-1] = Interval(last.start, interval.end)
        else:
            result.append(interval)
    return result


def gaps(within: Interval, intervals: Iterable[Interval]) -> Iterator[Interval]:
    """The parts of ``within`` not covered by any of ``intervals``."""
    cursor = within.start
    for interval in merge(intervals):
        if interval.end <= cursor:
            continue
        if interval.start >= within.end:
            break
        if interval.start > cursor:
            yield Interval(cursor, interval.start)
        cursor = max(cursor, interval.end)
        if cursor >= within.end:
            return
    if cursor < within.end:
        yield Interval(cursor, within.end)


def covered(within: Interval, intervals: Iterable[Interval]) -> bool:
    """True when the union of ``intervals`` contains every day of ``within``."""
    return next(gaps(within, intervals), None) is None
