"""Half-open day intervals with infinite bounds."""

from __future__ import annotations

from datetime import date

import pytest

from bitemporal.intervals import (
    NEG_INF,
    POS_INF,
    EmptyInterval,
    Interval,
    covered,
    gaps,
    lower,
    merge,
    open_lower,
    open_upper,
    upper,
)

D1 = date(2020, 1, 1)
D2 = date(2020, 1, 2)
D3 = date(2020, 1, 3)
D4 = date(2020, 1, 4)
D5 = date(2020, 1, 5)
D7 = date(2020, 1, 7)
D9 = date(2020, 1, 9)


def iv(start: date | None, end: date | None) -> Interval:
    return Interval.of(start, end)


def test_infinite_bounds_are_the_extreme_dates() -> None:
    assert NEG_INF == date.min
    assert POS_INF == date.max


def test_of_treats_none_as_infinite() -> None:
    assert Interval.of(None, None) == Interval(NEG_INF, POS_INF)
    assert Interval.of(None, D3) == Interval(NEG_INF, D3)
    assert Interval.of(D3, None) == Interval(D3, POS_INF)
    assert Interval.of(D1, D3) == Interval(D1, D3)


def test_default_interval_is_everything() -> None:
    assert Interval() == Interval.of(None, None)


def test_public_and_stored_bounds_round_trip() -> None:
    assert lower(None) == NEG_INF and upper(None) == POS_INF
    assert lower(D1) == D1 and upper(D1) == D1
    assert open_lower(NEG_INF) is None and open_upper(POS_INF) is None
    assert open_lower(D1) == D1 and open_upper(D1) == D1


@pytest.mark.parametrize(("start", "end"), [(D3, D3), (D3, D1), (POS_INF, POS_INF), (NEG_INF, NEG_INF)])
def test_empty_interval_is_refused(start: date, end: date) -> None:
    with pytest.raises(EmptyInterval):
        Interval(start, end)


def test_empty_interval_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        Interval.of(D3, D3)


def test_day_holds_exactly_one_day() -> None:
    one = Interval.day(D2)
    assert one == Interval(D2, D3)
    assert one.contains(D2)
    assert not one.contains(D1)
    assert not one.contains(D3)


def test_contains_start_but_not_end() -> None:
    interval = iv(D1, D3)
    assert interval.contains(D1)
    assert interval.contains(D2)
    assert not interval.contains(D3)
    assert not interval.contains(date(2019, 12, 31))


def test_infinite_interval_contains_every_real_day() -> None:
    everything = iv(None, None)
    assert everything.contains(date(1, 1, 2))
    assert everything.contains(date(9999, 12, 30))
    assert iv(None, D3).contains(date(1, 1, 1))
    assert not iv(D3, None).contains(D2)


def test_adjacent_intervals_do_not_overlap() -> None:
    assert not iv(D1, D3).overlaps(iv(D3, D5))
    assert not iv(D3, D5).overlaps(iv(D1, D3))
    assert not iv(None, D3).overlaps(iv(D3, None))


def test_intervals_sharing_a_day_overlap() -> None:
    assert iv(D1, D3).overlaps(iv(D2, D5))
    assert iv(D2, D5).overlaps(iv(D1, D3))
    assert iv(D1, D9).overlaps(iv(D3, D5))
    assert iv(None, D2).overlaps(iv(None, None))
    assert iv(D5, None).overlaps(iv(D7, None))


def test_disjoint_intervals_do_not_overlap() -> None:
    assert not iv(D1, D2).overlaps(iv(D5, D7))
    assert not iv(None, D2).overlaps(iv(D5, None))


def test_covers() -> None:
    assert iv(None, None).covers(iv(D1, D3))
    assert iv(None, None).covers(iv(None, None))
    assert iv(D1, D5).covers(iv(D1, D5))
    assert iv(D1, D5).covers(iv(D2, D3))
    assert not iv(D1, D5).covers(iv(D2, D7))
    assert not iv(D1, D5).covers(iv(None, D3))
    assert not iv(D1, None).covers(iv(None, None))


def test_meets_when_one_ends_where_the_other_starts() -> None:
    assert iv(D1, D3).meets(iv(D3, D5))
    assert not iv(D3, D5).meets(iv(D1, D3))
    assert not iv(D1, D3).meets(iv(D5, D7))
    assert iv(None, D3).meets(iv(D3, None))


def test_intersect() -> None:
    assert iv(D1, D5).intersect(iv(D3, D7)) == iv(D3, D5)
    assert iv(D1, D5).intersect(iv(None, None)) == iv(D1, D5)
    assert iv(None, D5).intersect(iv(D3, None)) == iv(D3, D5)
    assert iv(None, None).intersect(iv(None, None)) == iv(None, None)


def test_intersect_of_adjacent_or_disjoint_is_none() -> None:
    assert iv(D1, D3).intersect(iv(D3, D5)) is None
    assert iv(D1, D3).intersect(iv(D5, D7)) is None
    assert iv(None, D3).intersect(iv(D3, None)) is None


def test_minus_in_the_middle_splits_in_two() -> None:
    assert iv(None, None).minus(iv(D3, D5)) == [iv(None, D3), iv(D5, None)]
    assert iv(D1, D9).minus(iv(D3, D5)) == [iv(D1, D3), iv(D5, D9)]


def test_minus_at_an_end_leaves_one_part() -> None:
    assert iv(D1, D9).minus(iv(None, D3)) == [iv(D3, D9)]
    assert iv(D1, D9).minus(iv(D5, None)) == [iv(D1, D5)]
    assert iv(None, None).minus(iv(D5, None)) == [iv(None, D5)]
    assert iv(D1, D5).minus(iv(D1, D3)) == [iv(D3, D5)]


def test_minus_of_a_covering_interval_leaves_nothing() -> None:
    assert iv(D1, D5).minus(iv(D1, D5)) == []
    assert iv(D1, D5).minus(iv(None, None)) == []


def test_minus_of_a_disjoint_or_adjacent_interval_changes_nothing() -> None:
    assert iv(D1, D3).minus(iv(D5, D7)) == [iv(D1, D3)]
    assert iv(D1, D3).minus(iv(D3, D7)) == [iv(D1, D3)]


def test_merge_joins_overlapping_and_adjacent_and_sorts() -> None:
    assert merge([iv(D5, D7), iv(D1, D3), iv(D3, D5)]) == [iv(D1, D7)]
    assert merge([iv(D2, D5), iv(D1, D3)]) == [iv(D1, D5)]
    assert merge([iv(D1, D9), iv(D3, D5)]) == [iv(D1, D9)]


def test_merge_keeps_gaps() -> None:
    assert merge([iv(D7, None), iv(None, D2), iv(D3, D5)]) == [iv(None, D2), iv(D3, D5), iv(D7, None)]


def test_merge_of_nothing_is_empty() -> None:
    assert merge([]) == []


def test_gaps_of_nothing_is_the_whole_interval() -> None:
    assert list(gaps(iv(None, None), [])) == [iv(None, None)]
    assert list(gaps(iv(D1, D5), [])) == [iv(D1, D5)]


def test_gaps_between_at_and_around_intervals() -> None:
    within = iv(None, None)
    assert list(gaps(within, [iv(D3, D5)])) == [iv(None, D3), iv(D5, None)]
    assert list(gaps(within, [iv(D1, D3), iv(D5, D7)])) == [iv(None, D1), iv(D3, D5), iv(D7, None)]
    assert list(gaps(within, [iv(None, D3), iv(D5, None)])) == [iv(D3, D5)]
    assert list(gaps(within, [iv(None, D3), iv(D3, None)])) == []


def test_gaps_are_clipped_to_within() -> None:
    assert list(gaps(iv(D2, D7), [iv(D1, D3), iv(D5, D9)])) == [iv(D3, D5)]
    assert list(gaps(iv(D2, D7), [iv(None, D1), iv(D9, None)])) == [iv(D2, D7)]
    assert list(gaps(iv(D3, D5), [iv(D1, D3), iv(D5, D7)])) == [iv(D3, D5)]


def test_covered() -> None:
    assert covered(iv(D1, D5), [iv(D1, D3), iv(D3, D5)])
    assert covered(iv(D2, D3), [iv(None, None)])
    assert covered(iv(None, None), [iv(D3, None), iv(None, D5)])
    assert not covered(iv(D1, D5), [iv(D1, D2), iv(D3, D5)])
    assert not covered(iv(None, D5), [iv(D1, D5)])
    assert not covered(iv(D1, D5), [])


def test_str_shows_infinite_bounds() -> None:
    assert str(iv(None, None)) == "[-inf, inf)"
    assert str(iv(D1, D3)) == "[2020-01-01, 2020-01-03)"
    assert str(iv(D1, None)) == "[2020-01-01, inf)"


def test_intervals_sort_by_start_then_end() -> None:
    assert sorted([iv(D3, D5), iv(None, D9), iv(D3, D4), iv(D1, None)]) == [
        iv(None, D9),
        iv(D1, None),
        iv(D3, D4),
        iv(D3, D5),
    ]
