"""Concurrent writers of one object take turns: no lost update, no overlap.

Every write increments ``size`` by one over a 15-day range of one object, so after
each registration the sum of ``size`` over days 0..39 must be exactly 15 times the
number of writes registered so far; a lost update or a write computed from a stale
read breaks that sum.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from bitemporal import Registrar, WriteConflict, create, update
from bitemporal.intervals import Interval
from bitemporal.versions import Version, at

BASE = date(2020, 1, 1)
SPAN = 15
DAYS = range(40)


def day(n: int) -> date:
    return BASE + timedelta(days=n)


def increment(old: list[Version], interval: Interval) -> list[Version]:
    """Add one to ``size`` on every day of ``interval`` (``versions.update`` per part)."""
    new = list(old)
    for version in old:
        part = version.interval.intersect(interval)
        if part is not None:
            new = update(new, part, {"size": version.values["size"] + 1})
    return new


def range_of(writer: int, round_: int) -> Interval:
    start = (writer * 3 + round_ * 5) % (len(DAYS) - SPAN)
    return Interval(day(start), day(start + SPAN))


def sizes(versions: list[Version]) -> list[int]:
    found = [at(versions, day(n)) for n in DAYS]
    assert all(v is not None for v in found)
    return [v.values["size"] for v in found if v is not None]


async def create_counter(db: Any) -> UUID:
    uuid = uuid4()
    await db.write(uuid, lambda old: create(Interval.of(None, None), {"name": "counter", "size": 0}))
    return uuid


async def increment_rounds(db: Any, uuid: UUID, writer: int, rounds: int) -> list[Interval]:
    """One writer: ``rounds`` transactions of lock -> current -> update -> replace."""
    done = []
    for round_ in range(rounds):
        interval = range_of(writer, round_)
        async with db.connect_write() as conn:
            await db.store.lock(conn, uuid)
            old = await db.store.current(conn, uuid)
            await asyncio.sleep(0)  # give the other writers every chance to interleave
            new = increment(old, interval)
            registrar = Registrar(conn, db.tables, db.actor, note=f"writer {writer} round {round_}")
            assert await db.store.replace(conn, registrar, uuid, old, new)
        done.append(interval)
    return done


async def assert_serialised(db: Any, uuid: UUID, writes: list[Interval]) -> None:
    expected = [sum(1 for w in writes if w.contains(day(n))) for n in DAYS]
    current = await db.current(uuid)
    assert sizes(current) == expected

    async with db.engine.connect() as conn:
        rows = await db.rows(conn, uuid, current_only=True)
        registrations = await db.registrations(conn, uuid)
    for before, after in zip(rows, rows[1:], strict=False):
        assert before["valid_to"] <= after["valid_from"], "current rows overlap"
        if before["valid_to"] == after["valid_from"]:
            assert before["size"] != after["size"], "adjacent current rows are not coalesced"

    # One registration for the create plus one per write, and times strictly increase.
    assert len(registrations) == 1 + len(writes)
    times = [r["time"] for r in registrations]
    assert all(earlier < later for earlier, later in zip(times, times[1:], strict=False))

    # As of each registration, exactly that many increments are visible.
    for k, time in enumerate(times):
        assert sum(sizes(await db.current(uuid, registration_time=time))) == SPAN * k


@pytest.mark.postgresql
async def test_concurrent_writers_on_postgresql_take_turns(pg: Any) -> None:
    writers, rounds = 8, 12
    uuid = await create_counter(pg)
    done = await asyncio.gather(*(increment_rounds(pg, uuid, w, rounds) for w in range(writers)))
    writes = [interval for per_writer in done for interval in per_writer]
    assert len(writes) == writers * rounds
    await assert_serialised(pg, uuid, writes)


@pytest.mark.postgresql
async def test_concurrent_writers_with_a_frozen_clock_on_postgresql(pg: Any) -> None:
    frozen = datetime.now(UTC)
    uuid = await create_counter(pg)

    async def writer(w: int) -> None:
        for round_ in range(5):
            async with pg.connect_write() as conn:
                await pg.store.lock(conn, uuid)
                old = await pg.store.current(conn, uuid)
                await asyncio.sleep(0)
                registrar = Registrar(conn, pg.tables, pg.actor, clock=lambda: frozen)
                assert await pg.store.replace(conn, registrar, uuid, old, increment(old, range_of(w, round_)))

    await asyncio.gather(*(writer(w) for w in range(4)))
    await assert_serialised(pg, uuid, [range_of(w, r) for w in range(4) for r in range(5)])


@pytest.mark.postgresql
async def test_a_later_registration_of_an_object_is_a_write_conflict(pg: Any) -> None:
    """A transaction that began writing before another one registered the object must not write it."""
    first, second = await create_counter(pg), await create_counter(pg)
    start = datetime.now(UTC)
    everything = Interval.of(None, None)

    with pytest.raises(WriteConflict):
        async with pg.connect_write() as conn:
            registrar = Registrar(conn, pg.tables, pg.actor, clock=lambda: start)
            await pg.store.lock(conn, first)
            old = await pg.store.current(conn, first)
            await pg.store.replace(conn, registrar, first, old, increment(old, everything))
            assert registrar.registration is not None

            # Meanwhile another transaction registers ``second`` later and commits.
            later = await pg.write(
                second, lambda old: increment(old, everything), clock=lambda: start + timedelta(seconds=1)
            )
            assert later is not None and later.time > registrar.registration.time

            await pg.store.lock(conn, second)
            old = await pg.store.current(conn, second)
            await pg.store.replace(conn, registrar, second, old, increment(old, everything))

    # The conflicting transaction rolled back as a whole; a retry succeeds.
    assert sizes(await pg.current(first)) == [0] * len(DAYS)
    assert sizes(await pg.current(second)) == [1] * len(DAYS)
    retried = await pg.write(second, lambda old: increment(old, everything))
    assert retried is not None and retried.time > later.time
    assert sizes(await pg.current(second)) == [2] * len(DAYS)


async def test_concurrent_writers_on_sqlite_take_turns(lite: Any) -> None:
    writers, rounds = 2, 15
    uuid = await create_counter(lite)
    done = await asyncio.gather(*(increment_rounds(lite, uuid, w, rounds) for w in range(writers)))
    writes = [interval for per_writer in done for interval in per_writer]
    assert len(writes) == writers * rounds
    await assert_serialised(lite, uuid, writes)


async def test_begin_immediate_makes_a_second_sqlite_writer_wait(lite: Any) -> None:
    """The second writer cannot even begin (and so cannot read) before the first commits."""
    uuid = await create_counter(lite)
    loop = asyncio.get_running_loop()
    first_holds_lock = asyncio.Event()
    first_commits_at: list[float] = []
    everything = Interval.of(None, None)

    async def first() -> None:
        async with lite.connect_write() as conn:
            old = await lite.store.current(conn, uuid)
            first_holds_lock.set()
            await asyncio.sleep(0.3)
            registrar = Registrar(conn, lite.tables, lite.actor)
            assert await lite.store.replace(conn, registrar, uuid, old, increment(old, everything))
            first_commits_at.append(loop.time())  # the commit happens on leaving the block

    async def second() -> tuple[float, list[int]]:
        await first_holds_lock.wait()
        # A reader is not blocked by the writer and sees the state before its commit.
        assert sizes(await lite.current(uuid)) == [0] * len(DAYS)
        async with lite.connect_write() as conn:
            began_at = loop.time()
            old = await lite.store.current(conn, uuid)
            registrar = Registrar(conn, lite.tables, lite.actor)
            assert await lite.store.replace(conn, registrar, uuid, old, increment(old, everything))
        return began_at, sizes(old)

    _, (second_began_at, seen_by_second) = await asyncio.gather(first(), second())
    assert second_began_at > first_commits_at[0]
    assert seen_by_second == [1] * len(DAYS)
    assert sizes(await lite.current(uuid)) == [2] * len(DAYS)
