"""Random histories checked against an independent in-memory oracle.

The oracle knows nothing of ``bitemporal.versions``: it keeps one value per *cell*
of a small day universe and applies the contract of bitemporal.md cell by cell.
Bounds are drawn from days 0..40 (relative to ``BASE``) or ``None`` (infinite), so
every day before day 0 behaves alike, as does every day from day 40 on; the cells
are therefore ``[-inf, day 0)``, the forty single days ``day 0`` .. ``day 39``, and
``[day 40, inf)``.

The store-level test applies each step through ``VersionedTable`` on a real
database and, after every step, compares the current versions, validities in
random windows, and the state as of every earlier registration time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bitemporal import Registrar
from bitemporal.intervals import Interval, covered, gaps, merge
from bitemporal.queries import overlapping, registered_at, to_version
from bitemporal.registration import TICK
from bitemporal.versions import NoVersions, Version, create, terminate, update

BASE = date(2020, 1, 1)
N_DAYS = 40
CELLS = N_DAYS + 2
FIELDS = ("name", "size")
MINUS_INFINITY = date.min  # the stored form of open bounds, as the contract documents
PLUS_INFINITY = date.max

Span = tuple[int | None, int | None]
Cell = tuple[Any, ...] | None
Period = tuple[date, date, dict[str, Any]]


def day(n: int) -> date:
    return BASE + timedelta(days=n)


def cell_start(i: int) -> date:
    return MINUS_INFINITY if i == 0 else day(i - 1)


def cell_end(i: int) -> date:
    return PLUS_INFINITY if i == CELLS - 1 else day(i)


def cells_of(span: Span) -> range:
    start, end = span
    return range(0 if start is None else start + 1, CELLS if end is None else end + 1)


def span_bounds(span: Span) -> tuple[date, date]:
    start, end = span
    return (MINUS_INFINITY if start is None else day(start), PLUS_INFINITY if end is None else day(end))


def interval_of(span: Span) -> Interval:
    start, end = span
    return Interval.of(None if start is None else day(start), None if end is None else day(end))


@dataclass
class Oracle:
    """One object's values per cell: ``None`` where the object is not valid."""

    cells: list[Cell] = field(default_factory=lambda: [None] * CELLS)

    @property
    def empty(self) -> bool:
        return all(c is None for c in self.cells)

    def copy(self) -> Oracle:
        return Oracle(list(self.cells))

    def create(self, span: Span, values: dict[str, Any]) -> None:
        assert self.empty
        for i in cells_of(span):
            self.cells[i] = tuple(values[f] for f in FIELDS)

    def update(self, span: Span, changes: dict[str, Any]) -> None:
        if self.empty:
            raise NoVersions
        old = list(self.cells)
        for i in cells_of(span):
            source = old[i]
            if source is None:
                earlier = [c for c in reversed(old[:i]) if c is not None]
                later = [c for c in old[i + 1 :] if c is not None]
                source = earlier[0] if earlier else later[0]
            self.cells[i] = tuple(changes.get(f, value) for f, value in zip(FIELDS, source, strict=False))

    def terminate(self, span: Span) -> None:
        for i in cells_of(span):
            self.cells[i] = None

    def delete(self) -> None:
        self.cells = [None] * CELLS

    def periods(self) -> list[Period]:
        """Maximal runs of equal values, as (from, to, values) in stored form."""
        result: list[Period] = []
        i = 0
        while i < CELLS:
            value = self.cells[i]
            j = i
            while j + 1 < CELLS and self.cells[j + 1] == value:
                j += 1
            if value is not None:
                result.append((cell_start(i), cell_end(j), dict(zip(FIELDS, value, strict=False))))
            i = j + 1
        return result


def as_periods(versions: list[Version]) -> list[Period]:
    return [(v.interval.start, v.interval.end, dict(v.values)) for v in versions]


def in_window(periods: list[Period], window: Span) -> list[Period]:
    start, end = span_bounds(window)
    return [p for p in periods if p[0] < end and start < p[1]]


# --- strategies --------------------------------------------------------------

spans = st.tuples(st.none() | st.integers(0, N_DAYS), st.none() | st.integers(0, N_DAYS)).filter(
    lambda s: s[0] is None or s[1] is None or s[0] < s[1]
)
names = st.sampled_from([None, "a", "b"])
sizes = st.sampled_from([None, 1, 2])
full_values = st.fixed_dictionaries({"name": names, "size": sizes})
changes = st.fixed_dictionaries({}, optional={"name": names, "size": sizes})

creates = st.tuples(st.just("create"), spans, full_values)
operations = st.one_of(
    creates,
    st.tuples(st.just("update"), spans, changes),
    st.tuples(st.just("update"), spans, changes),
    st.tuples(st.just("update"), spans, changes),
    st.tuples(st.just("terminate"), spans),
    st.tuples(st.just("terminate"), spans),
    st.tuples(st.just("delete")),
)


@st.composite
def histories(draw: st.DrawFn, max_steps: int) -> list[tuple[tuple[Any, ...], list[Span]]]:
    """Steps of (operation, windows to check afterwards); the first step creates."""
    steps = [draw(creates), *draw(st.lists(operations, max_size=max_steps - 1))]
    return [(op, draw(st.lists(spans, min_size=1, max_size=2))) for op in steps]


def compute(op: tuple[Any, ...], old: list[Version], oracle: Oracle) -> list[Version] | None:
    """Apply ``op`` to the oracle and return the versions the library computes.

    Returns None when the operation does not apply (create of a live object, update
    of an object without versions); the oracle is left as it was then.
    """
    kind = op[0]
    if kind == "create":
        if not oracle.empty:
            return None
        oracle.create(op[1], op[2])
        return create(interval_of(op[1]), op[2])
    if kind == "update":
        if oracle.empty:
            with pytest.raises(NoVersions):
                update(old, interval_of(op[1]), op[2])
            return None
        oracle.update(op[1], op[2])
        return update(old, interval_of(op[1]), op[2])
    if kind == "terminate":
        oracle.terminate(op[1])
        return terminate(old, interval_of(op[1]))
    assert kind == "delete"
    oracle.delete()
    return []


def assert_well_formed(periods: list[Period]) -> None:
    """Sorted, never overlapping, and adjacent periods never have equal values."""
    for (start, end, values), (next_start, _, next_values) in zip(periods, periods[1:], strict=False):
        assert start < end
        assert end <= next_start, f"{periods} overlap"
        if end == next_start:
            assert values != next_values, f"{periods} are not coalesced"


# --- pure properties ---------------------------------------------------------


@settings(max_examples=300, deadline=None, database=None)
@given(steps=histories(max_steps=15))
def test_versions_match_the_oracle(steps: list[tuple[tuple[Any, ...], list[Span]]]) -> None:
    oracle = Oracle()
    versions: list[Version] = []
    for op, _ in steps:
        new = compute(op, versions, oracle)
        if new is not None:
            versions = new
        assert as_periods(versions) == oracle.periods(), op
        assert_well_formed(as_periods(versions))


@settings(max_examples=300, deadline=None, database=None)
@given(parts=st.lists(spans, max_size=6), within=spans)
def test_merge_and_gaps_match_cell_sets(parts: list[Span], within: Span) -> None:
    intervals = [interval_of(s) for s in parts]
    union = {i for s in parts for i in cells_of(s)}

    merged = merge(intervals)
    assert {i for m in merged for i in range(CELLS) if m.covers(Interval(cell_start(i), cell_end(i)))} == union
    for before, after in zip(merged, merged[1:], strict=False):
        assert before.end < after.start

    found = list(gaps(interval_of(within), intervals))
    gap_cells = {i for g in found for i in range(CELLS) if g.covers(Interval(cell_start(i), cell_end(i)))}
    assert gap_cells == set(cells_of(within)) - union
    for g in found:
        assert interval_of(within).covers(g)
        assert not any(g.overlaps(x) for x in intervals)
    assert covered(interval_of(within), intervals) == (not gap_cells)


# --- the store against the oracle --------------------------------------------


@settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=histories(max_steps=10))
async def test_store_matches_the_oracle(db: Any, steps: list[tuple[tuple[Any, ...], list[Span]]]) -> None:
    uuid = uuid4()  # a fresh object per example: the database is never cleaned
    t = db.table
    oracle = Oracle()
    history: list[tuple[datetime, list[Period]]] = []

    for op, windows in steps:
        before = oracle.copy()
        async with db.connect_write() as conn:
            await db.store.lock(conn, uuid)
            old = await db.store.current(conn, uuid)
            new = compute(op, old, oracle)
            registrar = Registrar(conn, db.tables, db.actor)
            changed = new is not None and await db.store.replace(conn, registrar, uuid, old, new)
        assert changed == (oracle.cells != before.cells), op
        if changed:
            assert registrar.registration is not None
            history.append((registrar.registration.time, oracle.periods()))
        else:
            assert registrar.registration is None

        expected = oracle.periods()
        async with db.engine.connect() as conn:
            assert as_periods(await db.store.current(conn, uuid)) == expected, op

            rows = await db.rows(conn, uuid, current_only=True)
            stored = [(r["valid_from"], r["valid_to"], {f: r[f] for f in FIELDS}) for r in rows]
            assert_well_formed(stored)

            for window in windows:
                query = select(t).where(t.c.uuid == uuid, registered_at(t, None), overlapping(t, interval_of(window)))
                found = [to_version(row, FIELDS) for row in await conn.execute(query.order_by(t.c.valid_from))]
                assert as_periods(found) == in_window(expected, window), (op, window)

            previous: list[Period] = []
            for time, snapshot in history:
                assert as_periods(await db.store.current(conn, uuid, time)) == snapshot
                assert as_periods(await db.store.current(conn, uuid, time - TICK)) == previous
                previous = snapshot

            registrations = await db.registrations(conn, uuid)
        assert [r["time"] for r in registrations] == [time for time, _ in history]
        for (earlier, _), (later, _) in zip(history, history[1:], strict=False):
            assert earlier < later
