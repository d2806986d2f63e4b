"""The write path over a versioned table, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy import update as update_
from sqlalchemy.exc import IntegrityError, StatementError

from bitemporal import Registrar, Version, create, terminate, update
from bitemporal.intervals import NEG_INF, POS_INF, Interval
from bitemporal.queries import overlapping, registered_at, to_version
from bitemporal.registration import TICK
from bitemporal.versions import Overlap

D1 = date(2020, 1, 1)
D2 = date(2020, 2, 1)
D3 = date(2020, 3, 1)
D4 = date(2020, 4, 1)

EVERYTHING = Interval.of(None, None)

Period = tuple[date | None, date | None, dict[str, Any]]


def iv(start: date | None, end: date | None) -> Interval:
    return Interval.of(start, end)


def periods(versions: list[Version]) -> list[Period]:
    return [
        (
            None if x.interval.start == NEG_INF else x.interval.start,
            None if x.interval.end == POS_INF else x.interval.end,
            dict(x.values),
        )
        for x in versions
    ]


def creating(values: dict[str, Any], interval: Interval = EVERYTHING) -> Any:
    return lambda old: create(interval, {"name": None, "size": None, **values})


def updating(interval: Interval, changes: dict[str, Any]) -> Any:
    return lambda old: update(old, interval, changes)


def terminating(interval: Interval) -> Any:
    return lambda old: terminate(old, interval)


def deleting(old: list[Version]) -> list[Version]:
    return []


async def validities(db: Any, uuid: UUID, window: Interval, registration_time: datetime | None = None) -> list[Period]:
    """``validities(start, end)`` as the read side would ask it, straight in SQL."""
    t = db.table
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(t)
            .where(t.c.uuid == uuid, registered_at(t, registration_time), overlapping(t, window))
            .order_by(t.c.valid_from)
        )
        return periods([to_version(row, db.store.fields) for row in rows])


# --- the worked example of bitemporal.md -------------------------------------


async def test_worked_example(db: Any) -> None:
    uuid = uuid4()
    created = await db.write(uuid, creating({"name": "Startasia"}))
    first = await db.write(uuid, updating(iv(date(2000, 1, 1), date(2020, 1, 1)), {"name": "Middleton"}))
    second = await db.write(uuid, updating(iv(date(2020, 1, 1), None), {"name": "Lastarza"}))
    assert created.time < first.time < second.time

    final = [
        (None, date(2000, 1, 1), {"name": "Startasia", "size": None}),
        (date(2000, 1, 1), date(2020, 1, 1), {"name": "Middleton", "size": None}),
        (date(2020, 1, 1), None, {"name": "Lastarza", "size": None}),
    ]
    assert periods(await db.current(uuid)) == final
    assert await validities(db, uuid, EVERYTHING) == final

    between = [
        (None, date(2000, 1, 1), {"name": "Startasia", "size": None}),
        (date(2000, 1, 1), date(2020, 1, 1), {"name": "Middleton", "size": None}),
        (date(2020, 1, 1), None, {"name": "Startasia", "size": None}),
    ]
    midpoint = first.time + (second.time - first.time) / 2
    for t in (first.time, midpoint, second.time - TICK):
        assert periods(await db.current(uuid, registration_time=t)) == between
        assert await validities(db, uuid, EVERYTHING, registration_time=t) == between

    assert periods(await db.current(uuid, registration_time=second.time)) == final
    assert periods(await db.current(uuid, registration_time=created.time)) == [
        (None, None, {"name": "Startasia", "size": None})
    ]
    assert await db.current(uuid, registration_time=created.time - TICK) == []


# --- reads -------------------------------------------------------------------


async def test_infinite_bounds_are_stored_as_sentinel_days(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a"}))
    async with db.engine.connect() as conn:
        [row] = await db.rows(conn, uuid)
    assert row["valid_from"] == date.min
    assert row["valid_to"] == date.max
    assert row["reg_to"] is None


async def test_registration_times_read_back_as_aware_utc(db: Any) -> None:
    uuid = uuid4()
    registration = await db.write(uuid, creating({"name": "a"}))
    async with db.engine.connect() as conn:
        [row] = await db.rows(conn, uuid)
    assert row["reg_from"] == registration.time
    assert row["reg_from"].tzinfo is not None
    assert row["reg_from"].utcoffset() == timedelta(0)


async def test_current_accepts_a_registration_time_in_any_time_zone(db: Any) -> None:
    uuid = uuid4()
    created = await db.write(uuid, creating({"name": "a"}))
    updated = await db.write(uuid, updating(iv(D1, None), {"name": "b"}))
    copenhagen = timezone(timedelta(hours=1))
    just_before = (updated.time - TICK).astimezone(copenhagen)
    assert just_before.utcoffset() == timedelta(hours=1)
    assert periods(await db.current(uuid, registration_time=just_before)) == periods(
        await db.current(uuid, registration_time=created.time)
    )
    assert periods(await db.current(uuid, registration_time=updated.time.astimezone(copenhagen))) == periods(
        await db.current(uuid)
    )


async def test_current_refuses_a_naive_registration_time(db: Any) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        await db.current(uuid4(), registration_time=datetime(2020, 1, 1))


async def test_current_of_an_unknown_object_is_empty(db: Any) -> None:
    uuid = uuid4()
    assert await db.current(uuid) == []
    async with db.engine.connect() as conn:
        assert not await db.store.exists(conn, uuid)
        assert await db.store.latest_registration(conn, uuid) is None


async def test_overlapping_matches_shared_days_only(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a"}, iv(D2, D3)))
    assert await validities(db, uuid, iv(D1, D2)) == []
    assert await validities(db, uuid, iv(D3, D4)) == []
    assert await validities(db, uuid, iv(None, D2)) == []
    assert await validities(db, uuid, iv(D3, None)) == []
    expected = [(D2, D3, {"name": "a", "size": None})]
    assert await validities(db, uuid, Interval.day(D2)) == expected
    assert await validities(db, uuid, Interval.day(D3 - timedelta(days=1))) == expected
    assert await validities(db, uuid, iv(D1, D4)) == expected
    assert await validities(db, uuid, EVERYTHING) == expected


async def test_registered_at_is_half_open(db: Any) -> None:
    uuid = uuid4()
    created = await db.write(uuid, creating({"name": "a"}))
    updated = await db.write(uuid, updating(EVERYTHING, {"name": "b"}))
    t = db.table
    async with db.engine.connect() as conn:

        async def names(at: datetime | None) -> list[str]:
            query = select(t.c.name).where(t.c.uuid == uuid, registered_at(t, at)).order_by(t.c.id)
            return list((await conn.scalars(query)).all())

        assert await names(created.time - TICK) == []
        assert await names(created.time) == ["a"]
        assert await names(updated.time - TICK) == ["a"]
        assert await names(updated.time) == ["b"]
        assert await names(None) == ["b"]
        assert await names(datetime(9000, 1, 1, tzinfo=UTC)) == ["b"]


# --- replace -----------------------------------------------------------------


async def test_replace_closes_changed_rows_and_keeps_unchanged_ones(db: Any) -> None:
    uuid = uuid4()
    created = await db.write(uuid, creating({"name": "a", "size": 1}))
    split = await db.write(uuid, updating(iv(D1, D2), {"name": "b"}))
    async with db.engine.connect() as conn:
        rows = await db.rows(conn, uuid)
    [original] = [r for r in rows if r["registration_id"] == created.id]
    assert original["reg_from"] == created.time
    assert original["reg_to"] == split.time
    inserted = [r for r in rows if r["registration_id"] == split.id]
    assert [(r["valid_from"], r["valid_to"], r["name"]) for r in inserted] == [
        (date.min, D1, "a"),
        (D1, D2, "b"),
        (D2, date.max, "a"),
    ]
    assert all(r["reg_from"] == split.time and r["reg_to"] is None for r in inserted)

    resized = await db.write(uuid, updating(iv(D1, D2), {"size": 2}))
    async with db.engine.connect() as conn:
        current = await db.rows(conn, uuid, current_only=True)
        middle = await conn.scalar(select(db.table.c.reg_to).where(db.table.c.id == inserted[1]["id"]))
    assert [r["id"] for r in current] == [inserted[0]["id"], current[1]["id"], inserted[2]["id"]]
    assert current[1]["registration_id"] == resized.id
    assert (current[1]["name"], current[1]["size"]) == ("b", 2)
    assert middle == resized.time


async def test_replace_without_changes_registers_nothing(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a", "size": 1}))
    reg = db.tables.registration
    async with db.engine.connect() as conn:
        before = await conn.scalar(select(func.count()).select_from(reg))
        rows_before = [dict(r) for r in await db.rows(conn, uuid)]
    assert await db.write(uuid, updating(iv(D1, D2), {"name": "a"})) is None
    assert await db.write(uuid, updating(EVERYTHING, {})) is None
    assert await db.write(uuid, updating(iv(D1, None), {"size": 1, "name": "a"})) is None
    assert await db.write(uuid, lambda old: [Version(x.interval, dict(x.values)) for x in old]) is None
    async with db.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(reg)) == before
        assert [dict(r) for r in await db.rows(conn, uuid)] == rows_before


async def test_replace_returns_whether_anything_changed(db: Any) -> None:
    uuid = uuid4()
    async with db.connect_write() as conn:
        registrar = Registrar(conn, db.tables, db.actor)
        assert not await db.store.replace(conn, registrar, uuid, [], [])
        assert registrar.registration is None
        assert await db.store.replace(conn, registrar, uuid, [], create(EVERYTHING, {"name": "a", "size": None}))
        assert registrar.registration is not None
        assert registrar.touched == {("thing", uuid)}


async def test_replace_refuses_overlapping_versions_and_writes_nothing(db: Any) -> None:
    uuid = uuid4()
    new = [Version(iv(None, D2), {"name": "a", "size": None}), Version(iv(D1, None), {"name": "b", "size": None})]
    with pytest.raises(Overlap):
        await db.write(uuid, lambda old: new)
    async with db.engine.connect() as conn:
        assert not await db.store.exists(conn, uuid)


async def test_replace_refuses_old_versions_not_read_from_the_store(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a"}))
    async with db.connect_write() as conn:
        registrar = Registrar(conn, db.tables, db.actor)
        unstored = create(EVERYTHING, {"name": "a", "size": None})
        with pytest.raises(ValueError, match="row_id"):
            await db.store.replace(conn, registrar, uuid, unstored, [])


async def test_terminate_with_to_ends_the_object(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a"}))
    await db.write(uuid, updating(iv(D2, None), {"name": "b"}))
    ended = await db.write(uuid, terminating(iv(D3, None)))
    assert ended is not None
    assert periods(await db.current(uuid)) == [
        (None, D2, {"name": "a", "size": None}),
        (D2, D3, {"name": "b", "size": None}),
    ]


async def test_terminate_with_from_and_to_leaves_a_gap(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a"}))
    await db.write(uuid, terminating(iv(D2, D3)))
    assert periods(await db.current(uuid)) == [
        (None, D2, {"name": "a", "size": None}),
        (D3, None, {"name": "a", "size": None}),
    ]
    await db.write(uuid, updating(iv(D1, D4), {"size": 5}))
    assert periods(await db.current(uuid)) == [
        (None, D1, {"name": "a", "size": None}),
        (D1, D4, {"name": "a", "size": 5}),
        (D4, None, {"name": "a", "size": None}),
    ]


async def test_delete_closes_every_row_and_keeps_the_history(db: Any) -> None:
    uuid = uuid4()
    created = await db.write(uuid, creating({"name": "a"}))
    split = await db.write(uuid, updating(iv(D1, None), {"name": "b"}))
    deleted = await db.write(uuid, deleting)
    assert created.time < split.time < deleted.time
    assert await db.current(uuid) == []
    assert await validities(db, uuid, EVERYTHING) == []
    async with db.engine.connect() as conn:
        assert await db.store.exists(conn, uuid)
        assert await db.store.latest_registration(conn, uuid) == deleted.time
        current_rows = await db.rows(conn, uuid, current_only=True)
        closed_by_delete = [r for r in await db.rows(conn, uuid) if r["reg_to"] == deleted.time]
    assert current_rows == []
    assert len(closed_by_delete) == 2
    assert periods(await db.current(uuid, registration_time=deleted.time - TICK)) == [
        (None, D1, {"name": "a", "size": None}),
        (D1, None, {"name": "b", "size": None}),
    ]


async def test_an_object_can_be_created_again_after_a_delete(db: Any) -> None:
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a"}))
    deleted = await db.write(uuid, deleting)
    again = await db.write(uuid, creating({"name": "b"}, iv(D1, None)))
    assert deleted.time < again.time
    assert periods(await db.current(uuid)) == [(D1, None, {"name": "b", "size": None})]
    assert await db.current(uuid, registration_time=again.time - TICK) == []


async def test_latest_registration_follows_the_newest_write(db: Any) -> None:
    uuid = uuid4()
    created = await db.write(uuid, creating({"name": "a"}))
    async with db.engine.connect() as conn:
        assert await db.store.latest_registration(conn, uuid) == created.time
    updated = await db.write(uuid, updating(iv(D1, D2), {"name": "b"}))
    async with db.engine.connect() as conn:
        assert await db.store.latest_registration(conn, uuid) == updated.time


# --- registrations -----------------------------------------------------------


async def test_a_registration_records_time_actor_and_note(db: Any) -> None:
    uuid = uuid4()
    actor = uuid4()
    registration = await db.write(uuid, creating({"name": "a"}), actor=actor, note="imported")
    assert registration.actor == actor
    assert registration.note == "imported"
    async with db.engine.connect() as conn:
        [stored] = await db.registrations(conn, uuid)
    assert dict(stored) == {"id": registration.id, "time": registration.time, "actor": actor, "note": "imported"}


async def test_one_registration_per_transaction_over_several_objects(db: Any) -> None:
    first, second = uuid4(), uuid4()
    async with db.connect_write() as conn:
        registrar = Registrar(conn, db.tables, db.actor)
        for uuid in (first, second):
            await db.store.lock(conn, uuid)
            old = await db.store.current(conn, uuid)
            await db.store.replace(conn, registrar, uuid, old, create(EVERYTHING, {"name": "a", "size": None}))
        assert registrar.touched == {("thing", first), ("thing", second)}
        registration = registrar.registration
        assert registration is not None
    async with db.engine.connect() as conn:
        assert [r["id"] for r in await db.registrations(conn, first)] == [registration.id]
        assert [r["id"] for r in await db.registrations(conn, second)] == [registration.id]
        rows = await conn.execute(
            select(db.table.c.registration_id, db.table.c.reg_from).where(db.table.c.uuid.in_([first, second]))
        )
        assert set(rows.all()) == {(registration.id, registration.time)}


async def test_a_failed_transaction_registers_nothing(db: Any) -> None:
    uuid = uuid4()
    reg = db.tables.registration
    async with db.engine.connect() as conn:
        before = await conn.scalar(select(func.count()).select_from(reg))

    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with db.connect_write() as conn:
            registrar = Registrar(conn, db.tables, db.actor)
            await db.store.replace(conn, registrar, uuid, [], create(EVERYTHING, {"name": "a", "size": None}))
            raise Boom
    async with db.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(reg)) == before
        assert not await db.store.exists(conn, uuid)


async def test_registration_times_strictly_increase_with_a_frozen_clock(db: Any) -> None:
    frozen = datetime.now(UTC)
    uuid = uuid4()
    times = []
    registration = await db.write(uuid, creating({"name": "n0", "size": 0}), clock=lambda: frozen)
    times.append(registration.time)
    for n in range(1, 6):
        registration = await db.write(uuid, updating(iv(D1, None), {"size": n}), clock=lambda: frozen)
        times.append(registration.time)
    assert times == [frozen + n * TICK for n in range(6)]
    async with db.engine.connect() as conn:
        stored = [r["time"] for r in await db.registrations(conn, uuid)]
    assert stored == times
    for before, after in zip(times, times[1:], strict=False):
        assert periods(await db.current(uuid, registration_time=before)) != periods(
            await db.current(uuid, registration_time=after)
        )


async def test_registration_times_strictly_increase_when_the_clock_steps_back(db: Any) -> None:
    uuid = uuid4()
    first = await db.write(uuid, creating({"name": "a"}))
    past = datetime(2001, 1, 1, tzinfo=UTC)
    second = await db.write(uuid, updating(iv(D1, None), {"name": "b"}), clock=lambda: past)
    other = await db.write(uuid4(), creating({"name": "c"}), clock=lambda: past)
    assert first.time < second.time < other.time
    assert second.time - first.time >= TICK


async def test_writing_one_object_twice_in_one_transaction(db: Any) -> None:
    """Two writes to one object in one transaction (e.g. two mutations in one request).

    ``Registrar`` keeps ``touched`` so that a second write of the same object does
    not insert a second ``registration_object`` row, so this is meant to work; the
    transaction's own first write must not count as a conflicting later registration.
    """
    uuid = uuid4()
    await db.write(uuid, creating({"name": "a", "size": 1}))
    async with db.connect_write() as conn:
        registrar = Registrar(conn, db.tables, db.actor)
        for interval, changes in ((iv(D1, None), {"name": "b"}), (iv(D2, None), {"size": 2})):
            await db.store.lock(conn, uuid)
            old = await db.store.current(conn, uuid)
            assert await db.store.replace(conn, registrar, uuid, old, update(old, interval, changes))
        registration = registrar.registration
        assert registration is not None
    expected = [
        (None, D1, {"name": "a", "size": 1}),
        (D1, D2, {"name": "b", "size": 1}),
        (D2, None, {"name": "b", "size": 2}),
    ]
    assert periods(await db.current(uuid)) == expected
    assert periods(await db.current(uuid, registration_time=registration.time)) == expected


# --- the no-overlap constraint on PostgreSQL ---------------------------------


def _row(uuid: UUID, registration_id: int, at: datetime, interval: Interval, **extra: Any) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "valid_from": interval.start,
        "valid_to": interval.end,
        "registration_id": registration_id,
        "reg_from": at,
        "reg_to": None,
        "name": "x",
        "size": None,
        **extra,
    }


@pytest.mark.postgresql
async def test_exclusion_constraint_rejects_overlapping_current_rows(pg: Any) -> None:
    t, reg = pg.table, pg.tables.registration
    uuid = uuid4()
    now = datetime.now(UTC)
    async with pg.engine.begin() as conn:
        reg_id = await conn.scalar(insert(reg).values(time=now, actor=pg.actor).returning(reg.c.id))
        await conn.execute(insert(t).values(_row(uuid, reg_id, now, iv(None, D2))))
        for overlapping_interval in (iv(D1, None), iv(None, None), Interval.day(D1), iv(None, D2)):
            with pytest.raises(IntegrityError, match="thing_no_overlap"):
                async with conn.begin_nested():
                    await conn.execute(insert(t).values(_row(uuid, reg_id, now, overlapping_interval)))
        # Adjacent periods of one object and overlapping periods of another object are fine.
        await conn.execute(insert(t).values(_row(uuid, reg_id, now, iv(D2, D3))))
        await conn.execute(insert(t).values(_row(uuid4(), reg_id, now, iv(None, None))))
        count = await conn.scalar(select(func.count()).select_from(t).where(t.c.uuid == uuid))
    assert count == 2


@pytest.mark.postgresql
async def test_exclusion_constraint_allows_overlap_with_closed_rows(pg: Any) -> None:
    t, reg = pg.table, pg.tables.registration
    uuid = uuid4()
    now = datetime.now(UTC)
    async with pg.engine.begin() as conn:
        reg_id = await conn.scalar(insert(reg).values(time=now, actor=pg.actor).returning(reg.c.id))
        closed = _row(uuid, reg_id, now - timedelta(seconds=1), iv(None, None), reg_to=now)
        closed_id = await conn.scalar(insert(t).values(closed).returning(t.c.id))
        await conn.execute(insert(t).values(_row(uuid, reg_id, now, iv(None, D2))))
        await conn.execute(insert(t).values(_row(uuid, reg_id, now - timedelta(seconds=2), iv(D1, D3), reg_to=now)))
        # Re-opening a closed row that overlaps a current one is refused.
        with pytest.raises(IntegrityError, match="thing_no_overlap"):
            async with conn.begin_nested():
                await conn.execute(update_(t).where(t.c.id == closed_id).values(reg_to=None))
        rows = (await conn.execute(select(t.c.reg_to).where(t.c.uuid == uuid))).scalars().all()
    assert sorted(r is None for r in rows) == [False, False, True]
