"""The sample municipality: every rule holds, history on both axes, same seed same data."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bitemporal import POS_INF
from bitemporal.tables import TEMPORAL_COLUMNS
from mo.db.engine import make_engine
from mo.db.migrate import upgrade
from mo.db.tables import TABLES, VERSIONED, organisation, registrations
from mo.sample import SAMPLE_ACTOR, SampleSummary, load_sample

TODAY = date(2026, 11, 23)
SMALL = {"persons": 120, "units": 25}

Rows = list[dict[str, Any]]


async def _load(path: Path, seed: int = 2026) -> tuple[AsyncEngine, SampleSummary]:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    return engine, await load_sample(engine, seed=seed, today=TODAY, **SMALL)


@pytest.fixture(scope="module")
async def sample(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[AsyncEngine, SampleSummary]]:
    engine, summary = await _load(tmp_path_factory.mktemp("sample") / "s.sqlite")
    yield engine, summary
    await engine.dispose()


async def _current(engine: AsyncEngine, name: str) -> Rows:
    t = TABLES[name]
    async with engine.connect() as conn:
        rows = await conn.execute(select(t).where(t.c.reg_to.is_(None)).order_by(t.c.uuid, t.c.valid_from))
        return [dict(row) for row in rows.mappings()]


def _spans(rows: Rows) -> dict[UUID, list[tuple[date, date]]]:
    spans: dict[UUID, list[tuple[date, date]]] = {}
    for row in rows:
        spans.setdefault(row["uuid"], []).append((row["valid_from"], row["valid_to"]))
    return spans


def _covers(spans: list[tuple[date, date]], start: date, end: date) -> bool:
    """Whether the union of half-open ``spans`` holds every day of ``[start, end)``."""
    reached = start
    for span_start, span_end in sorted(spans):
        if span_start > reached:
            break
        reached = max(reached, span_end)
    return reached >= end


def _cpr_birth(cpr: str) -> date:
    """The birth date in a CPR number, with the century from its 7th digit."""
    year, digit = int(cpr[4:6]), int(cpr[6])
    if digit <= 3:
        century = 1900
    elif digit in (4, 9):
        century = 2000 if year <= 36 else 1900
    else:
        century = 2000 if year <= 57 else 1800
    return date(century + year, int(cpr[2:4]), int(cpr[0:2]))


async def test_every_engagement_lies_inside_its_unit_and_person(sample: tuple[AsyncEngine, SampleSummary]) -> None:
    engine, _ = sample
    units = _spans(await _current(engine, "org_unit"))
    persons = _spans(await _current(engine, "person"))
    engagements = await _current(engine, "engagement")
    assert engagements
    for row in engagements:
        start, end = row["valid_from"], row["valid_to"]
        assert _covers(units[row["org_unit_uuid"]], start, end), row
        assert _covers(persons[row["person_uuid"]], start, end), row


@pytest.mark.parametrize("name", sorted(TABLES))
async def test_no_two_current_versions_of_an_object_overlap(
    sample: tuple[AsyncEngine, SampleSummary], name: str
) -> None:
    engine, _ = sample
    a, b = TABLES[name].alias("a"), TABLES[name].alias("b")
    overlapping = select(func.count()).where(
        a.c.uuid == b.c.uuid,
        a.c.id < b.c.id,
        a.c.reg_to.is_(None),
        b.c.reg_to.is_(None),
        a.c.valid_from < b.c.valid_to,
        b.c.valid_from < a.c.valid_to,
    )
    async with engine.connect() as conn:
        assert await conn.scalar(overlapping) == 0


async def test_cpr_numbers_are_unique_and_well_formed(sample: tuple[AsyncEngine, SampleSummary]) -> None:
    engine, summary = sample
    numbers = {(row["uuid"], row["cpr_number"]) for row in await _current(engine, "person")}
    by_person = dict(numbers)
    assert len(by_person) == len(numbers) == summary.persons
    assert len(set(by_person.values())) == summary.persons
    for cpr in by_person.values():
        assert re.fullmatch(r"\d{10}", cpr), cpr
        assert date(1960, 1, 1) <= _cpr_birth(cpr) <= date(2004, 12, 31), cpr


async def test_the_unit_tree_has_one_root_and_no_cycles_on_any_day(sample: tuple[AsyncEngine, SampleSummary]) -> None:
    engine, summary = sample
    rows = await _current(engine, "org_unit")
    days = {row["valid_from"] for row in rows} | {row["valid_to"] for row in rows if row["valid_to"] != POS_INF}
    for day in sorted(days | {TODAY}):
        parents = {row["uuid"]: row["parent_uuid"] for row in rows if row["valid_from"] <= day < row["valid_to"]}
        assert [unit for unit, parent in parents.items() if parent is None] == [summary.root_unit]
        for unit in parents:
            seen = {unit}
            while (unit := parents[unit]) is not None:  # a parent missing on `day` raises KeyError
                assert unit not in seen, f"cycle through {unit} on {day}"
                seen.add(unit)


async def test_history_reaches_into_the_past_and_the_future(sample: tuple[AsyncEngine, SampleSummary]) -> None:
    engine, summary = sample
    engagements = await _current(engine, "engagement")
    starts = {uuid: min(s for s, _ in spans) for uuid, spans in _spans(engagements).items()}
    ends = {uuid: max(e for _, e in spans) for uuid, spans in _spans(engagements).items()}
    assert any(start > TODAY for start in starts.values()), "no future-dated hire"
    assert any(end <= TODAY for end in ends.values()), "no engagement ended in the past"
    assert any(TODAY < end < POS_INF for end in ends.values()), "no future-dated departure"
    units = _spans(await _current(engine, "org_unit"))
    assert max(e for _, e in units[summary.closed_unit]) <= TODAY
    for unit in (summary.future_renamed_unit, summary.future_moved_unit):
        assert any(start > TODAY for start, _ in units[unit])
    reorganised = [row for row in await _current(engine, "org_unit") if row["uuid"] == summary.reorganised_unit]
    assert len({row["parent_uuid"] for row in reorganised}) == 2
    assert summary.reorganisation_date in {row["valid_from"] for row in reorganised}


async def test_corrections_change_the_past_on_the_registration_axis(
    sample: tuple[AsyncEngine, SampleSummary],
) -> None:
    engine, summary = sample
    async with engine.connect() as conn:
        reg = registrations.registration
        corrected_at = await conn.scalar(select(reg.c.time).where(reg.c.note == "sample data: corrections"))
        assert corrected_at is not None
        before = corrected_at - timedelta(microseconds=1)
        for name, uuid, value in (
            ("person", summary.person_with_history, "surname"),
            ("engagement", summary.engagement_with_history, "job_function_uuid"),
        ):
            now = await VERSIONED[name].current(conn, uuid)
            then = await VERSIONED[name].current(conn, uuid, before)
            assert len(now) == len(then) == 2, (name, now, then)
            assert [v.values[value] for v in now] == [v.values[value] for v in then]
            assert now[1].interval.start != then[1].interval.start, "the correction moves the change's date"


async def test_summary_counts_match_the_tables(sample: tuple[AsyncEngine, SampleSummary]) -> None:
    engine, summary = sample
    expected = {
        "facet": summary.facets,
        "class": summary.classes,
        "org_unit": summary.units,
        "person": summary.persons,
        "engagement": summary.engagements,
    }
    reg = registrations.registration
    async with engine.connect() as conn:
        for name, count in expected.items():
            t = TABLES[name]
            assert await conn.scalar(select(func.count(t.c.uuid.distinct()))) == count, name
        assert (await conn.execute(select(organisation.c.uuid))).scalars().all() == [summary.organisation]
        notes = (await conn.execute(select(reg.c.actor, reg.c.note))).all()
    assert len(notes) == summary.registrations
    assert all(actor == SAMPLE_ACTOR and note.startswith("sample data: ") for actor, note in notes)
    assert summary.engagements > summary.persons * 0.9


async def _contents(engine: AsyncEngine) -> dict[str, set[tuple[Any, ...]]]:
    """Every current version, without the columns that depend on when it was written."""
    result = {}
    for name, t in TABLES.items():
        columns = [c for c in t.c if c.name not in TEMPORAL_COLUMNS or c.name in ("uuid", "valid_from", "valid_to")]
        async with engine.connect() as conn:
            rows = await conn.execute(select(*columns).where(t.c.reg_to.is_(None)))
            result[name] = {tuple(row) for row in rows}
    return result


async def test_the_same_seed_gives_the_same_municipality(
    sample: tuple[AsyncEngine, SampleSummary], tmp_path: Path
) -> None:
    engine, summary = sample
    again, again_summary = await _load(tmp_path / "again.sqlite")
    other, other_summary = await _load(tmp_path / "other.sqlite", seed=7)
    try:
        assert again_summary == summary
        assert await _contents(again) == await _contents(engine)
        assert other_summary.root_unit != summary.root_unit
        ours, theirs = await _contents(engine), await _contents(other)
        assert not {row[0] for row in ours["person"]} & {row[0] for row in theirs["person"]}
    finally:
        await again.dispose()
        await other.dispose()


async def test_loading_into_a_database_that_holds_an_organisation_is_refused(
    sample: tuple[AsyncEngine, SampleSummary],
) -> None:
    engine, summary = sample
    with pytest.raises(ValueError, match="already holds an organisation"):
        await load_sample(engine, seed=summary.seed, today=TODAY, **SMALL)


async def test_loading_the_sample_emits_change_events(tmp_path: Path) -> None:
    """The loader writes through the service's transactions, so its writes reach the outbox too."""
    from sqlalchemy import func, select

    from mo.db.tables import TABLES, event_outbox

    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}/events.sqlite")
    await upgrade(engine)
    try:
        await load_sample(engine, persons=40, units=20, today=date(2026, 11, 23))
        async with engine.connect() as conn:
            persons = await conn.scalar(select(func.count(func.distinct(TABLES["person"].c.uuid))))
            announced = await conn.scalar(
                select(func.count(func.distinct(event_outbox.c.uuid))).where(event_outbox.c.routing_key == "person")
            )
    finally:
        await engine.dispose()
    assert persons and announced == persons
