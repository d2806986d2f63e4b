"""Effective dates: an event on the day a future-dated change takes effect."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, time

from eventkit import declare, last_outbox_id, outbox, pending, subjects

from mo.events.scheduler import Scheduler
from mo.timezone import day_of, zone
from tests.conftest import Client
from tests.seed import ENGAGEMENT, create, engagement_input, seed

UPDATE_ENGAGEMENT = "mutation ($input: EngagementUpdateInput!) { engagement_update(input: $input) { uuid } }"
TERMINATE_ENGAGEMENT = "mutation ($input: EngagementTerminateInput!) { engagement_terminate(input: $input) { uuid } }"


def at(day: str, hour: int = 0, minute: int = 5) -> datetime:
    """A local time on ``day``: the scheduler's clock."""
    return datetime.combine(date.fromisoformat(day), time(hour, minute), zone())


def scheduler(gql: Client, day: str, hour: int = 0) -> Scheduler:
    return Scheduler(gql.engine, clock=lambda: at(day, hour))


async def test_a_future_hire_emits_now_and_once_more_on_its_first_day(gql: Client) -> None:
    s = await seed(gql)
    listener = await declare(gql, "engagement")
    before = await last_outbox_id(gql.engine)
    hire = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2031-03-01"))
    assert subjects(await outbox(gql.engine, before))[("engagement", hire)] == 1  # now

    assert await scheduler(gql, "2031-02-28", 23).run_once() == [date(2031, 2, 28)]
    assert ("engagement", hire) not in subjects(await outbox(gql.engine, before + 3))

    # Just after local midnight on the first day (still 22:05 UTC the day before).
    assert await scheduler(gql, "2031-03-01").run_once() == [date(2031, 3, 1)]
    assert await scheduler(gql, "2031-03-01", 18).run_once() == []  # once per day
    effective = [r for r in await outbox(gql.engine, before) if r["cause"] == "effective"]
    assert subjects(effective) == Counter({("engagement", hire): 1, ("person", s.person): 1, ("org_unit", s.child): 1})
    assert {r["effective_day"] for r in effective} == {"2031-03-01"}
    assert await pending(gql, listener) == [hire]


async def test_a_back_dated_correction_emits_now_only(gql: Client) -> None:
    s = await seed(gql)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    today = day_of(datetime.now(UTC)).isoformat()
    await scheduler(gql, today).run_once()
    before = await last_outbox_id(gql.engine)
    await gql.ok(UPDATE_ENGAGEMENT, {"input": {"uuid": engagement, "fraction": 50, "validity": {"from": "2016-01-01"}}})
    assert subjects(await outbox(gql.engine, before))[("engagement", engagement)] == 1
    after = await last_outbox_id(gql.engine)
    assert await scheduler(gql, today, 23).run_once() == []
    assert await outbox(gql.engine, after) == []


async def test_after_downtime_every_missed_day_is_caught_up_once(gql: Client) -> None:
    s = await seed(gql)
    leaving = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    await gql.ok(TERMINATE_ENGAGEMENT, {"input": {"uuid": leaving, "to": "2031-01-03"}})  # last day 2031-01-02
    joining = await create(gql, ENGAGEMENT, engagement_input(s, s.root, "2031-01-05"))
    renamed = await create(gql, ENGAGEMENT, engagement_input(s, s.root, "2015-01-01"))
    await gql.ok(
        UPDATE_ENGAGEMENT,
        {"input": {"uuid": renamed, "extension_1": "x", "validity": {"from": "2031-01-04", "to": "2031-01-06"}}},
    )
    await scheduler(gql, "2030-12-31").run_once()
    before = await last_outbox_id(gql.engine)

    days = await scheduler(gql, "2031-01-10", 9).run_once()  # down for ten days
    assert days == [date(2031, 1, d) for d in range(1, 11)]
    effective = [
        (r["effective_day"], r["uuid"]) for r in await outbox(gql.engine, before) if r["routing_key"] == "engagement"
    ]
    assert sorted(effective) == sorted(
        [("2031-01-03", leaving), ("2031-01-04", renamed), ("2031-01-05", joining), ("2031-01-06", renamed)]
    )
    assert await scheduler(gql, "2031-01-10", 12).run_once() == []


async def test_two_schedulers_at_once_emit_each_day_once(gql: Client) -> None:
    s = await seed(gql)
    hires = [await create(gql, ENGAGEMENT, engagement_input(s, s.child, f"2031-01-0{d}")) for d in range(2, 7)]
    await scheduler(gql, "2031-01-01").run_once()
    before = await last_outbox_id(gql.engine)
    ran = await asyncio.gather(*(scheduler(gql, "2031-01-08").run_once() for _ in range(3)))
    assert sorted(day for days in ran for day in days) == [date(2031, 1, d) for d in range(2, 9)]
    rows = [r for r in await outbox(gql.engine, before) if r["routing_key"] == "engagement"]
    assert sorted((r["effective_day"], r["uuid"]) for r in rows) == sorted(
        (f"2031-01-0{d}", hire) for d, hire in zip(range(2, 7), hires, strict=True)
    )


async def test_mo_scheduler_once_catches_up_from_the_command_line(gql: Client) -> None:
    import os
    import sys

    s = await seed(gql)
    today = day_of(datetime.now(UTC))
    hire = await create(gql, ENGAGEMENT, engagement_input(s, s.child, today.isoformat()))
    before = await last_outbox_id(gql.engine)
    env = {**os.environ, "MO_DATABASE_URL": gql.engine.url.render_as_string(hide_password=False)}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "mo", "scheduler", "--once"), env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0 and b"emitted for 1 day(s)" in out
    rows = await outbox(gql.engine, before)
    assert [(r["uuid"], r["effective_day"]) for r in rows if r["routing_key"] == "engagement"] == [(hire, str(today))]


async def test_mo_relay_needs_a_broker_url() -> None:
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MO_AMQP_URL"}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "mo", "relay"), env=env, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2 and b"MO_AMQP_URL" in err
