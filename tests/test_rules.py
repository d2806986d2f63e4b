"""Reference and required-field rules on versions already in memory (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID, uuid4

import pytest

from bitemporal import Interval, Version
from mo.model import MODELS
from mo.service.context import WriteContext
from mo.service.errors import MOError, OutsideValidity, RequiredField
from mo.service.rules import check_cached_references, check_required
from mo.service.writes import at_item

ENGAGEMENT = MODELS["engagement"]
UNIT = uuid4()


def _context(unit_validity: list[Interval]) -> WriteContext:
    ctx = WriteContext(conn=None, registrar=None, today=date(2026, 1, 1))  # type: ignore[arg-type]
    ctx.validity[("org_unit", UNIT)] = unit_validity
    return ctx


def _engagement(interval: Interval, **values: Any) -> Version:
    return Version(interval, {"org_unit_uuid": UNIT, **values})


def test_a_reference_covered_only_by_the_union_of_the_targets_periods_passes() -> None:
    halves = [Interval(date(2020, 1, 1), date(2021, 1, 1)), Interval(date(2021, 1, 1), date(2022, 1, 1))]
    check_cached_references(_context(halves), ENGAGEMENT, [_engagement(Interval(date(2020, 6, 1), date(2021, 6, 1)))])


def test_a_reference_outside_the_targets_periods_is_refused_with_where_it_is_valid() -> None:
    ctx = _context([Interval(date(2020, 1, 1), date(2021, 1, 1)), Interval(date(2021, 2, 1), date(2022, 1, 1))])
    with pytest.raises(OutsideValidity) as refused:
        check_cached_references(ctx, ENGAGEMENT, [_engagement(Interval(date(2020, 6, 1), date(2021, 6, 1)))])
    assert refused.value.field == "org_unit_uuid"
    assert "[2020-01-01, 2021-01-01), [2021-02-01, 2022-01-01)" in refused.value.message


def test_the_first_required_field_missing_in_declaration_order_is_reported() -> None:
    required = [f.name for f in ENGAGEMENT.fields if f.required]
    assert len(required) >= 2
    version = Version(Interval(date(2020, 1, 1)), dict.fromkeys(required[1:], UUID(int=1)))
    check_required(ENGAGEMENT, [Version(Interval(date(2020, 1, 1)), dict.fromkeys(required, UUID(int=1)))])
    with pytest.raises(RequiredField) as refused:
        check_required(ENGAGEMENT, [version])
    assert refused.value.field == required[0]


def test_at_item_names_the_first_item_an_error_is_about_and_lets_it_through() -> None:
    with pytest.raises(MOError) as raised, at_item(3), at_item(7):
        raise MOError("broken")
    assert raised.value.index == 7
    with pytest.raises(KeyError), at_item(1):
        raise KeyError("not ours")
