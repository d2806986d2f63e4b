"""The effective-date scheduler: an event on the day a validity bound passes.

A write emits its events when it commits, but a future-dated change takes effect
later: a hire starts, a termination ends an engagement, a rename begins. On the
local day ``D`` the scheduler emits one event for every object with a current row
whose ``valid_from`` or ``valid_to`` is ``D`` (and for the persons and units of such
functions, as a write would).

The last day done is kept in ``event_scheduler``. Each day is one transaction that
locks that row (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), emits
the day's events and advances the row, so a day's events and the record that they
were emitted commit together: after downtime every missed day is caught up, and a
second scheduler running at the same time waits for the row, sees the day done and
emits nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mo.db.engine import write_transaction
from mo.db.tables import TABLES, event_scheduler
from mo.events.outbox import Subject, emit, on_conflict_insert, related_fields, targets, wall_clock
from mo.model import MODELS
from mo.timezone import day_of, midnight

log = logging.getLogger(__name__)

NAME = "effective"
DAY = timedelta(days=1)


async def due(conn: AsyncConnection, day: date) -> list[Subject]:
    """The objects with a current row starting or ending on ``day``, and their owners."""
    found: set[Subject] = set()
    for name, model in MODELS.items():
        t = TABLES[name]
        fields = related_fields(model)
        statement = (
            select(t.c.uuid, *(t.c[f.name] for f in fields))
            .where(t.c.reg_to.is_(None), or_(t.c.valid_from == day, t.c.valid_to == day))
            .distinct()
        )
        for row in await conn.execute(statement):
            found.add((name, row[0]))
            for field, value in zip(fields, row[1:], strict=True):
                assert field.target is not None
                found.update((field.target, target) for target in targets(value))
    return sorted(found, key=lambda s: (s[0], str(s[1])))


class Scheduler:
    """Emits the events of every day from the last one done up to today."""

    def __init__(self, engine: AsyncEngine, clock: Callable[[], datetime] = wall_clock) -> None:
        self.engine = engine
        self.clock = clock

    async def run_once(self) -> list[date]:
        """Catch up to today; returns the days this call emitted (oldest first)."""
        today = day_of(self.clock())
        done: list[date] = []
        while (day := await self._step(today)) is not None:
            done.append(day)
        return done

    async def _step(self, today: date) -> date | None:
        async with write_transaction(self.engine) as conn:
            last = await self._lock(conn, today)
            if last >= today:
                return None
            day = last + DAY
            subjects = await due(conn, day)
            await emit(conn, subjects, cause="effective", effective_day=day)
            await conn.execute(
                update(event_scheduler)
                .where(event_scheduler.c.name == NAME)
                .values(last_day=day, updated_at=wall_clock())
            )
        log.info("effective-date events for %s: %d objects", day, len(subjects))
        return day

    async def _lock(self, conn: AsyncConnection, today: date) -> date:
        """The last day done, locked until the transaction ends.

        A scheduler's first run starts with today: what took effect earlier was
        emitted by the writes themselves when they were registered.
        """
        insert = on_conflict_insert(conn)
        await conn.execute(
            insert(event_scheduler)
            .values(name=NAME, last_day=today - DAY, updated_at=wall_clock())
            .on_conflict_do_nothing(index_elements=[event_scheduler.c.name])
        )
        query = select(event_scheduler.c.last_day).where(event_scheduler.c.name == NAME)
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        last = await conn.scalar(query)
        assert isinstance(last, date)
        return last

    async def run_forever(self, interval: float = 60.0, stop: asyncio.Event | None = None) -> None:
        """Catch up, then wake every ``interval`` seconds and just after local midnight."""
        stop = stop or asyncio.Event()
        failures = 0
        while not stop.is_set():
            try:
                await self.run_once()
                failures = 0
            except Exception:  # noqa: BLE001 - the database may be away; try again later
                failures += 1
                log.exception("the effective-date scan failed (%d in a row); retrying", failures)
            now = self.clock()
            next_midnight = midnight(day_of(now) + DAY)
            assert next_midnight is not None
            pause = min(interval * (2 ** min(failures, 5)), max(0.0, (next_midnight - now).total_seconds()) + 1.0)
            try:
                await asyncio.wait_for(stop.wait(), timeout=pause)
            except TimeoutError:
                pass
