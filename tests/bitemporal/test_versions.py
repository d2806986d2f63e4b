"""Sequenced operations on one object's versions, without storage."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bitemporal.intervals import NEG_INF, POS_INF, Interval
from bitemporal.versions import (
    NoVersions,
    Overlap,
    Version,
    at,
    coalesce,
    create,
    diff,
    ordered,
    terminate,
    update,
)

D1 = date(2020, 1, 1)
D2 = date(2020, 2, 1)
D3 = date(2020, 3, 1)
D4 = date(2020, 4, 1)
D5 = date(2020, 5, 1)
D6 = date(2020, 6, 1)


def iv(start: date | None, end: date | None) -> Interval:
    return Interval.of(start, end)


def v(start: date | None, end: date | None, **values: Any) -> Version:
    return Version(iv(start, end), values)


def table(versions: list[Version]) -> list[tuple[date | None, date | None, dict[str, Any]]]:
    """Versions as (from, to, values) with None for infinite bounds, for readable asserts."""
    return [
        (
            None if x.interval.start == NEG_INF else x.interval.start,
            None if x.interval.end == POS_INF else x.interval.end,
            dict(x.values),
        )
        for x in versions
    ]


# --- Version -----------------------------------------------------------------


def test_version_equality_ignores_row_id() -> None:
    assert Version(iv(D1, D2), {"a": 1}, row_id=7) == Version(iv(D1, D2), {"a": 1})
    assert Version(iv(D1, D2), {"a": 1}, row_id=7) == Version(iv(D1, D2), {"a": 1}, row_id=8)


def test_version_equality_compares_interval_and_values() -> None:
    assert Version(iv(D1, D2), {"a": 1}) != Version(iv(D1, D3), {"a": 1})
    assert Version(iv(D1, D2), {"a": 1}) != Version(iv(D1, D2), {"a": 2})
    assert Version(iv(D1, D2), {"a": None}) != Version(iv(D1, D2), {})


def test_with_values_overlays_changes_and_drops_row_id() -> None:
    changed = Version(iv(D1, D2), {"a": 1, "b": 2}, row_id=5).with_values({"b": 3})
    assert changed == v(D1, D2, a=1, b=3)
    assert changed.row_id is None


# --- create / ordered / at ---------------------------------------------------


def test_create_makes_a_single_version() -> None:
    assert create(iv(None, None), {"name": "x"}) == [v(None, None, name="x")]
    assert create(iv(D1, D2), {"name": "x", "size": None}) == [v(D1, D2, name="x", size=None)]


def test_create_copies_the_values() -> None:
    values = {"name": "x"}
    [version] = create(iv(D1, D2), values)
    values["name"] = "y"
    assert version.values == {"name": "x"}


def test_ordered_sorts_by_start() -> None:
    assert ordered([v(D3, D4, a=1), v(None, D1, a=2), v(D1, D2, a=3)]) == [
        v(None, D1, a=2),
        v(D1, D2, a=3),
        v(D3, D4, a=1),
    ]


def test_ordered_refuses_overlapping_versions() -> None:
    with pytest.raises(Overlap):
        ordered([v(D1, D3, a=1), v(D2, D4, a=2)])
    with pytest.raises(Overlap):
        ordered([v(None, None, a=1), v(D2, D4, a=1)])


def test_at_finds_the_version_valid_on_a_day() -> None:
    versions = [v(None, D2, a=1), v(D3, None, a=2)]
    assert at(versions, D1) == v(None, D2, a=1)
    assert at(versions, D2) is None
    assert at(versions, D3) == v(D3, None, a=2)
    assert at(versions, date(9999, 1, 1)) == v(D3, None, a=2)


# --- coalesce ----------------------------------------------------------------


def test_coalesce_joins_adjacent_versions_with_equal_values() -> None:
    assert coalesce([v(D2, D3, a=1), v(None, D2, a=1), v(D3, None, a=1)]) == [v(None, None, a=1)]


def test_coalesce_keeps_adjacent_versions_with_different_values() -> None:
    versions = [v(None, D2, a=1), v(D2, None, a=2)]
    assert coalesce(versions) == versions


def test_coalesce_keeps_equal_versions_separated_by_a_gap() -> None:
    versions = [v(D1, D2, a=1), v(D3, D4, a=1)]
    assert coalesce(versions) == versions


def test_coalesce_treats_none_and_missing_as_different() -> None:
    versions = [v(D1, D2, a=None), v(D2, D3)]
    assert coalesce(versions) == versions


def test_coalesce_of_nothing_is_nothing() -> None:
    assert coalesce([]) == []


def test_coalesce_refuses_overlaps() -> None:
    with pytest.raises(Overlap):
        coalesce([v(D1, D3, a=1), v(D2, D4, a=1)])


# --- update ------------------------------------------------------------------


def test_update_splits_at_both_bounds() -> None:
    result = update([v(None, None, name="a", size=1)], iv(D2, D3), {"name": "b"})
    assert table(result) == [
        (None, D2, {"name": "a", "size": 1}),
        (D2, D3, {"name": "b", "size": 1}),
        (D3, None, {"name": "a", "size": 1}),
    ]


def test_update_splits_versions_that_straddle_a_bound() -> None:
    versions = [v(None, D2, name="a"), v(D2, D4, name="b"), v(D4, None, name="c")]
    result = update(versions, iv(D3, D5), {"name": "z"})
    assert table(result) == [
        (None, D2, {"name": "a"}),
        (D2, D3, {"name": "b"}),
        (D3, D5, {"name": "z"}),
        (D5, None, {"name": "c"}),
    ]


def test_update_keeps_unset_fields_in_every_sub_period() -> None:
    versions = [v(None, D2, name="a", size=1), v(D2, D4, name="b", size=2), v(D4, None, name="c", size=3)]
    result = update(versions, iv(D1, D5), {"size": 9})
    assert table(result) == [
        (None, D1, {"name": "a", "size": 1}),
        (D1, D2, {"name": "a", "size": 9}),
        (D2, D4, {"name": "b", "size": 9}),
        (D4, D5, {"name": "c", "size": 9}),
        (D5, None, {"name": "c", "size": 3}),
    ]


def test_update_with_explicit_none_clears_a_field() -> None:
    result = update([v(D1, D3, name="a", size=1)], iv(D1, D3), {"size": None})
    assert result == [v(D1, D3, name="a", size=None)]


def test_update_without_end_overrides_future_values() -> None:
    versions = [v(None, D2, name="a"), v(D2, D4, name="b"), v(D4, None, name="c")]
    result = update(versions, iv(D3, None), {"name": "z"})
    assert table(result) == [(None, D2, {"name": "a"}), (D2, D3, {"name": "b"}), (D3, None, {"name": "z"})]


def test_update_without_start_overrides_past_values() -> None:
    versions = [v(None, D2, name="a"), v(D2, D4, name="b"), v(D4, None, name="c")]
    result = update(versions, iv(None, D3), {"name": "z"})
    assert table(result) == [(None, D3, {"name": "z"}), (D3, D4, {"name": "b"}), (D4, None, {"name": "c"})]


def test_update_of_everything_collapses_to_one_version() -> None:
    versions = [v(None, D2, name="a", size=1), v(D2, None, name="b", size=1)]
    assert update(versions, iv(None, None), {"name": "z"}) == [v(None, None, name="z", size=1)]


def test_update_fills_a_gap_from_the_nearest_earlier_version() -> None:
    versions = [v(D1, D2, name="a", size=1), v(D2, D3, name="b", size=2), v(D5, D6, name="c", size=3)]
    result = update(versions, iv(D2, D6), {"size": 0})
    assert table(result) == [
        (D1, D2, {"name": "a", "size": 1}),
        (D2, D5, {"name": "b", "size": 0}),
        (D5, D6, {"name": "c", "size": 0}),
    ]


def test_update_fills_a_gap_from_the_earlier_version_even_outside_the_interval() -> None:
    versions = [v(D1, D2, name="a", size=1), v(D5, D6, name="c", size=3)]
    result = update(versions, iv(D3, D4), {"size": 0})
    assert table(result) == [
        (D1, D2, {"name": "a", "size": 1}),
        (D3, D4, {"name": "a", "size": 0}),
        (D5, D6, {"name": "c", "size": 3}),
    ]


def test_update_before_the_first_version_extends_from_the_nearest_later_one() -> None:
    versions = [v(D3, D4, name="b", size=2), v(D5, None, name="c", size=3)]
    result = update(versions, iv(D1, D2), {"size": 0})
    assert table(result) == [
        (D1, D2, {"name": "b", "size": 0}),
        (D3, D4, {"name": "b", "size": 2}),
        (D5, None, {"name": "c", "size": 3}),
    ]


def test_update_from_minus_infinity_extends_backwards() -> None:
    versions = [v(D3, D4, name="b", size=2)]
    result = update(versions, iv(None, D4), {"name": "z"})
    assert table(result) == [(None, D4, {"name": "z", "size": 2})]


def test_update_after_the_last_version_extends_from_it() -> None:
    versions = [v(D1, D2, name="a", size=1), v(D2, D3, name="b", size=2)]
    result = update(versions, iv(D4, None), {"name": "z"})
    assert table(result) == [
        (D1, D2, {"name": "a", "size": 1}),
        (D2, D3, {"name": "b", "size": 2}),
        (D4, None, {"name": "z", "size": 2}),
    ]


def test_update_with_no_changes_still_extends_over_gaps() -> None:
    versions = [v(D1, D2, name="a"), v(D3, D4, name="b")]
    assert update(versions, iv(None, None), {}) == [
        v(None, D3, name="a"),
        v(D3, None, name="b"),
    ]


def test_update_coalesces_when_the_change_makes_neighbours_equal() -> None:
    versions = [v(None, D2, name="a"), v(D2, D3, name="b"), v(D3, None, name="a")]
    assert update(versions, iv(D2, D3), {"name": "a"}) == [v(None, None, name="a")]


def test_update_that_changes_nothing_returns_the_same_versions() -> None:
    versions = [v(None, D2, name="a"), v(D2, None, name="b")]
    assert update(versions, iv(D1, D3), {}) == versions
    assert update(versions, iv(None, D2), {"name": "a"}) == versions


def test_update_of_an_object_without_versions_is_refused() -> None:
    with pytest.raises(NoVersions):
        update([], iv(None, None), {"name": "a"})


def test_update_accepts_unordered_input() -> None:
    versions = [v(D2, None, name="b"), v(None, D2, name="a")]
    assert update(versions, iv(D1, D3), {"name": "z"}) == [
        v(None, D1, name="a"),
        v(D1, D3, name="z"),
        v(D3, None, name="b"),
    ]


def test_update_does_not_mutate_its_input() -> None:
    versions = [v(None, None, name="a")]
    update(versions, iv(D1, D2), {"name": "b"})
    assert versions == [v(None, None, name="a")]


# --- terminate ---------------------------------------------------------------


def test_terminate_with_only_to_ends_the_object() -> None:
    versions = [v(None, D2, name="a"), v(D2, D4, name="b"), v(D4, None, name="c")]
    assert terminate(versions, iv(D3, None)) == [v(None, D2, name="a"), v(D2, D3, name="b")]


def test_terminate_with_from_and_to_removes_the_gap() -> None:
    versions = [v(None, None, name="a")]
    assert terminate(versions, iv(D2, D3)) == [v(None, D2, name="a"), v(D3, None, name="a")]


def test_terminate_across_versions() -> None:
    versions = [v(None, D2, name="a"), v(D2, D4, name="b"), v(D4, None, name="c")]
    assert terminate(versions, iv(D1, D5)) == [v(None, D1, name="a"), v(D5, None, name="c")]


def test_terminate_of_everything_leaves_nothing() -> None:
    assert terminate([v(None, D2, name="a"), v(D2, None, name="b")], iv(None, None)) == []


def test_terminate_outside_the_validity_changes_nothing() -> None:
    versions = [v(D1, D2, name="a")]
    assert terminate(versions, iv(D3, None)) == versions
    assert terminate(versions, iv(D2, D3)) == versions
    assert terminate([], iv(D2, D3)) == []


def test_terminate_before_the_start_removes_the_whole_future_object() -> None:
    assert terminate([v(D3, None, name="a")], iv(D1, None)) == []


# --- diff --------------------------------------------------------------------


def test_diff_of_equal_versions_is_empty() -> None:
    old = [Version(iv(None, D2), {"a": 1}, row_id=1), Version(iv(D2, None), {"a": 2}, row_id=2)]
    assert diff(old, [v(None, D2, a=1), v(D2, None, a=2)]) == ([], [])


def test_diff_closes_changed_and_inserts_new_versions_only() -> None:
    old = [
        Version(iv(None, D2), {"a": 1}, row_id=1),
        Version(iv(D2, D4), {"a": 2}, row_id=2),
        Version(iv(D4, None), {"a": 3}, row_id=3),
    ]
    new = update(old, iv(D2, D3), {"a": 9})
    closed, inserted = diff(old, new)
    assert [x.row_id for x in closed] == [2]
    assert inserted == [v(D2, D3, a=9), v(D3, D4, a=2)]
    assert all(x.row_id is None for x in inserted)


def test_diff_of_a_delete_closes_everything() -> None:
    old = [Version(iv(None, D2), {"a": 1}, row_id=1), Version(iv(D2, None), {"a": 2}, row_id=2)]
    closed, inserted = diff(old, [])
    assert [x.row_id for x in closed] == [1, 2]
    assert inserted == []


def test_diff_of_a_create_inserts_everything() -> None:
    assert diff([], [v(None, None, a=1)]) == ([], [v(None, None, a=1)])


def test_diff_treats_a_changed_interval_as_a_new_version() -> None:
    old = [Version(iv(None, None), {"a": 1}, row_id=1)]
    closed, inserted = diff(old, [v(None, D2, a=1)])
    assert [x.row_id for x in closed] == [1]
    assert inserted == [v(None, D2, a=1)]


# --- the worked example of bitemporal.md -------------------------------------


def test_worked_example() -> None:
    created = create(iv(None, None), {"given_name": "Startasia"})
    middle = update(created, iv(date(2000, 1, 1), date(2020, 1, 1)), {"given_name": "Middleton"})
    assert table(middle) == [
        (None, date(2000, 1, 1), {"given_name": "Startasia"}),
        (date(2000, 1, 1), date(2020, 1, 1), {"given_name": "Middleton"}),
        (date(2020, 1, 1), None, {"given_name": "Startasia"}),
    ]
    final = update(middle, iv(date(2020, 1, 1), None), {"given_name": "Lastarza"})
    assert table(final) == [
        (None, date(2000, 1, 1), {"given_name": "Startasia"}),
        (date(2000, 1, 1), date(2020, 1, 1), {"given_name": "Middleton"}),
        (date(2020, 1, 1), None, {"given_name": "Lastarza"}),
    ]
    closed, inserted = diff(middle, final)
    assert closed == [v(date(2020, 1, 1), None, given_name="Startasia")]
    assert inserted == [v(date(2020, 1, 1), None, given_name="Lastarza")]
