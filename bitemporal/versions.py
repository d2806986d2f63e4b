"""Sequenced operations on one object's versions, without any storage.

An object is a list of versions: disjoint validity intervals, each with the values
that hold over it. The functions here take the versions known now and return the
versions that should be known after a write; ``diff`` then tells which stored rows
to close and which to insert. Keeping this pure makes it cheap to test against an
oracle and keeps the SQL side to "close these rows, insert those".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from bitemporal.intervals import Interval, gaps

Values = Mapping[str, Any]


class NoVersions(LookupError):
    """Raised when an operation needs an existing version to start from."""


class Overlap(ValueError):
    """Raised when versions of one object overlap in validity."""


@dataclass(frozen=True, slots=True)
class Version:
    """The values of an object over one validity interval.

    ``row_id`` identifies the stored row this version was read from; it is not part
    of equality, so a stored version compares equal to a freshly computed one with
    the same interval and values.
    """

    interval: Interval
    values: Values
    row_id: int | None = field(default=None, compare=False)

    def with_values(self, changes: Values) -> Version:
        return Version(self.interval, {**self.values, **changes})


_START = attrgetter("interval.start")


def ordered(versions: Iterable[Version]) -> list[Version]:
    """Versions sorted by start; raises ``Overlap`` if any two overlap."""
    result = sorted(versions, key=_START)
    for before, after in zip(result, result[1:], strict=False):
        if before.interval.overlaps(after.interval):
            raise Overlap(f"{before.interval} overlaps {after.interval}")
    return result


def coalesce(versions: Iterable[Version]) -> list[Version]:
    """Join adjacent versions whose values are equal."""
    result: list[Version] = []
    for version in ordered(versions):
        if result and result[-1].interval.meets(version.interval) and result[-1].values == version.values:
            last = result[-1]
            result[-1] = Version(Interval(last.interval.start, version.interval.end), last.values)
        else:
            result.append(version)
    return result


def create(interval: Interval, values: Values) -> list[Version]:
    """The versions of a new object."""
    return [Version(interval, dict(values))]


def update(versions: Sequence[Version], interval: Interval, changes: Values) -> list[Version]:
    """Apply ``changes`` over ``interval``.

    Versions are split at the interval's bounds and ``changes`` are laid over each
    part inside it; other fields keep their value in every sub-period. Days inside
    the interval where the object had no version are filled ("extension") from the
    nearest earlier version, or else the nearest later one, with ``changes`` on top.
    """
    if not versions:
        raise NoVersions("the object has no version to update")
    current = ordered(versions)
    result: list[Version] = []
    for version in current:
        result.extend(Version(part, version.values) for part in version.interval.minus(interval))
        inside = version.interval.intersect(interval)
        if inside is not None:
            result.append(Version(inside, {**version.values, **changes}))
    for gap in gaps(interval, [v.interval for v in current]):
        source = _nearest(current, gap)
        result.append(Version(gap, {**source.values, **changes}))
    return coalesce(result)


def terminate(versions: Sequence[Version], interval: Interval) -> list[Version]:
    """Remove ``interval`` from the object's validity."""
    result: list[Version] = []
    for version in versions:
        result.extend(Version(part, version.values) for part in version.interval.minus(interval))
    return coalesce(result)


def diff(old: Sequence[Version], new: Sequence[Version]) -> tuple[list[Version], list[Version]]:
    """The stored versions to close and the new versions to insert.

    A version is kept when the other side has an equal one (same interval, same
    values); versions are matched by interval first, so this is linear.
    """
    # Keyed by the bounds: a tuple of dates hashes in C, an Interval through its dataclass __hash__.
    by_interval: dict[tuple[Any, Any], list[Version]] = {}
    for version in old:
        by_interval.setdefault((version.interval.start, version.interval.end), []).append(version)
    kept: list[Version] = []
    inserted: list[Version] = []
    for version in new:
        bounds = (version.interval.start, version.interval.end)
        same = [v for v in by_interval.get(bounds, ()) if v.values == version.values]
        if same:
            kept.extend(same)
        else:
            inserted.append(version)
    kept_ids = {id(v) for v in kept}
    closed = [v for v in old if id(v) not in kept_ids]
    return closed, inserted


def at(versions: Iterable[Version], day: Any) -> Version | None:
    """The version valid on ``day``, if any."""
    for version in versions:
        if version.interval.contains(day):
            return version
    return None


def _nearest(versions: Sequence[Version], gap: Interval) -> Version:
    earlier = [v for v in versions if v.interval.end <= gap.start]
    if earlier:
        return earlier[-1]
    later = [v for v in versions if v.interval.start >= gap.end]
    return later[0]
