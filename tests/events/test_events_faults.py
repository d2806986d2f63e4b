"""Faults: the relay is SIGKILLed and RabbitMQ restarts during a stream of writes.

Afterwards every committed change has reached the broker at least once, counted
message by message against the outbox, and the rolled-back write sent nothing.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
from pathlib import Path
from uuid import uuid4

from eventkit import Broker, Consumer, eventually, exchange_name, outbox, subjects
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Client
from tests.seed import ENGAGEMENT, PERSON, create, engagement_input, seed

ROOT = Path(__file__).resolve().parents[2]
UPDATE_PERSON = "mutation ($input: EmployeeUpdateInput!) { employee_update(input: $input) { uuid } }"


class RelayProcess:
    """`mo relay` as its own process, the way it runs in production."""

    def __init__(self, engine: AsyncEngine, broker: Broker, exchange: str, log: Path) -> None:
        self.env = {
            **os.environ,
            "MO_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "MO_AMQP_URL": broker.url,
            "MO_AMQP_EXCHANGE": exchange,
            "MO_RELAY_LEASE_SECONDS": "1",
            "MO_RELAY_BATCH": "20",
        }
        self.log = log
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "mo", "relay", cwd=ROOT, env=self.env, stdout=out, stderr=out
            )
        self.starts += 1

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(self.process.wait(), 10)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:  # pragma: no cover - a stuck relay is killed
                await self.kill()


async def count(engine: AsyncEngine, where: str) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text(f"SELECT count(*) FROM event_outbox WHERE {where}")) or 0)


async def test_killed_relays_and_a_restarted_broker_lose_nothing(gql: Client, broker: Broker, tmp_path: Path) -> None:
    rng = random.Random(4)
    s = await seed(gql)
    exchange = exchange_name()
    relay = RelayProcess(gql.engine, broker, exchange, tmp_path / "relay.log")
    rolled_back = str(uuid4())
    persons: list[str] = []
    async with Consumer(broker.url, exchange) as consumer:
        await relay.start()
        try:
            kills = set(rng.sample(range(5, 55), 3))
            for n in range(60):
                if n in kills:
                    await asyncio.sleep(rng.uniform(0, 0.3))  # somewhere inside a batch, or between batches
                    await relay.kill()
                    await relay.start()
                if n == 30:  # the broker goes away for a while; writes go on
                    restart = asyncio.create_task(asyncio.to_thread(broker.restart))
                if n == 40:
                    await restart
                if n % 3 == 0 or not persons:
                    persons.append(await create(gql, PERSON, {"given_name": f"P{n}", "surname": "Fault"}))
                elif n % 3 == 1:
                    await gql.ok(
                        UPDATE_PERSON,
                        {
                            "input": {
                                "uuid": rng.choice(persons),
                                "nickname_given_name": f"n{n}",
                                "validity": {"from": "2001-01-01"},
                            }
                        },
                    )
                else:
                    await create(gql, ENGAGEMENT, engagement_input(s, s.child, f"20{10 + n % 10}-01-01"))
                if n == 20:  # a write that rolls back: its person must never be announced
                    document = """mutation ($p: EmployeeCreateInput!, $e: EngagementCreateInput!) {
                      employee_create(input: $p) { uuid } engagement_create(input: $e) { uuid } }"""
                    bad = engagement_input(s, s.grandchild, "2001-01-01")
                    await gql.error(
                        document, {"p": {"uuid": rolled_back, "given_name": "Never", "surname": "Seen"}, "e": bad}
                    )
                await asyncio.sleep(rng.uniform(0, 0.05))

            async def all_sent() -> bool:
                return await count(gql.engine, "sent_at IS NULL") == 0

            await eventually(all_sent, 60, "the relays to publish the whole outbox", step=0.2)
            rows = await outbox(gql.engine)
            expected = subjects(rows)

            async def all_received() -> bool:
                return not (set(expected) - set(consumer.counts()))

            await eventually(all_received, 30, "the consumer to receive every event", step=0.2)
        finally:
            await relay.stop()
    received = consumer.counts()
    missing = {key: n for key, n in expected.items() if received[key] < n}
    assert not missing, f"committed but never delivered: {missing}"
    assert len(consumer.received) >= len(rows) > 60
    assert all(uuid != rolled_back for _, uuid in received)
    assert all(r["uuid"] != rolled_back for r in rows)
    assert relay.starts == 4
