"""The AMQP relay: publishes the outbox to RabbitMQ, at least once.

The wire format is what ``ramqp``'s MO consumers expect: durable topic exchange
``os2mo``, routing key = object type, body = the object's uuid as a JSON string,
persistent delivery. Per batch the relay

1. claims up to ``batch`` unsent rows in a short transaction: it leases them for
   ``lease`` seconds (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so relays running
   side by side take disjoint rows; ``BEGIN IMMEDIATE`` on SQLite);
2. publishes them on a channel with publisher confirms and waits for the broker's
   confirms;
3. marks the confirmed rows sent, and releases the others for the next round
   (in the transaction that claims the next batch, so a busy relay takes the
   database's write lock once per batch).

A relay that dies between 1 and 3 leaves leased rows behind; they are published
again when the lease runs out. A broker that goes away makes the relay reconnect
with exponential back-off. Nothing is marked sent before the broker confirmed it,
so nothing committed is lost; a message may arrive twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractRobustConnection
from prometheus_client import Counter, Histogram
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mo.db.engine import read_transaction, write_transaction
from mo.db.tables import event_outbox
from mo.events.outbox import wall_clock

log = logging.getLogger(__name__)

PUBLISHED = Counter("mo_relay_published", "Outbox rows the broker confirmed", ["routing_key"])
FAILED = Counter("mo_relay_failed", "Publish attempts that got no confirm (nack, timeout, lost connection)")
RECONNECTS = Counter("mo_relay_reconnects", "Times the relay lost the broker or the database and started over")
LATENCY = Histogram(
    "mo_relay_latency_seconds",
    "From the outbox row's creation (the write) to the broker's confirm",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)


#: How long the events of an exchange that cannot be declared wait before another try.
PARK = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Settlement:
    """What became of a published batch: confirmed, not confirmed, parked (bad exchange)."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    parked: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.failed or self.parked)


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    routing_key: str
    uuid: UUID
    exchange: str | None
    cause: str
    registration_id: int | None
    created_at: datetime


def message(row: OutboxRow) -> aio_pika.Message:
    """The AMQP message of an outbox row: the uuid as a JSON string, persistent."""
    headers: dict[str, Any] = {"mo-cause": row.cause}
    if row.registration_id is not None:
        headers["mo-registration"] = row.registration_id
    return aio_pika.Message(
        body=json.dumps(str(row.uuid)).encode(),
        content_type="application/json",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        message_id=f"mo-outbox-{row.id}",
        headers=headers,
    )


class Relay:
    def __init__(
        self,
        engine: AsyncEngine,
        url: str,
        *,
        exchange: str = "os2mo",
        batch: int = 500,
        lease: float = 30.0,
        poll: float = 0.05,
        publish_timeout: float = 10.0,
        retention: timedelta = timedelta(days=7),
        name: str | None = None,
        clock: Callable[[], datetime] = wall_clock,
    ) -> None:
        self.engine = engine
        self.url = url
        self.exchange = exchange
        self.batch = batch
        self.lease = timedelta(seconds=lease)
        self.poll = poll
        self.publish_timeout = publish_timeout
        self.retention = retention
        self.name = name or f"mo-relay {socket.gethostname()} {uuid4().hex[:8]}"
        self.clock = clock
        self.published = 0
        self._pruned: datetime | None = None

    # The database side ------------------------------------------------------------

    async def claim(self, settle: Settlement | None = None) -> list[OutboxRow]:
        """Lease the oldest unsent rows nobody else holds (settling a previous batch first).

        A plain read looks first, so an idle relay never takes SQLite's write lock
        (nor opens writing transactions on PostgreSQL) just to find nothing; and the
        previous batch is settled in the same transaction as the next claim, so a
        busy relay takes the write lock once per batch.
        """
        now = self.clock()
        t = event_outbox
        claimable = (t.c.sent_at.is_(None), or_(t.c.lease_until.is_(None), t.c.lease_until < now))
        if not settle:
            async with read_transaction(self.engine) as conn:
                if (await conn.execute(select(t.c.id).where(*claimable).limit(1))).first() is None:
                    return []
        async with write_transaction(self.engine) as conn:
            if settle:
                await self._apply(conn, settle, now)
            query = (
                select(t.c.id, t.c.routing_key, t.c.uuid, t.c.exchange, t.c.cause, t.c.registration_id, t.c.created_at)
                .where(*claimable)
                .order_by(t.c.id)
                .limit(self.batch)
            )
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = [OutboxRow(*r) for r in await conn.execute(query)]
            if rows:
                await conn.execute(
                    update(t).where(t.c.id.in_([r.id for r in rows])).values(lease_until=now + self.lease)
                )
        return rows

    async def settle(self, settlement: Settlement) -> None:
        """Mark confirmed rows sent; give the others back."""
        if settlement:
            async with write_transaction(self.engine) as conn:
                await self._apply(conn, settlement, self.clock())

    async def _apply(self, conn: AsyncConnection, settlement: Settlement, now: datetime) -> None:
        t = event_outbox
        if settlement.sent:
            await conn.execute(update(t).where(t.c.id.in_(settlement.sent)).values(sent_at=now, lease_until=None))
        for ids, retry in ((settlement.failed, None), (settlement.parked, now + PARK)):
            if ids:
                await conn.execute(
                    update(t)
                    .where(t.c.id.in_(ids), t.c.sent_at.is_(None))
                    .values(lease_until=retry, failures=t.c.failures + 1)
                )

    async def prune(self) -> int:
        """Forget rows sent longer ago than the retention."""
        now = self.clock()
        if self._pruned is not None and now - self._pruned < timedelta(minutes=10):
            return 0
        self._pruned = now
        t = event_outbox
        async with write_transaction(self.engine) as conn:
            result = await conn.execute(delete(t).where(t.c.sent_at < now - self.retention))
        return int(result.rowcount or 0)

    # The broker side --------------------------------------------------------------

    async def connect(self) -> AbstractRobustConnection:
        connection = await aio_pika.connect(
            self.url, timeout=self.publish_timeout, client_properties={"connection_name": self.name}
        )
        return connection  # type: ignore[return-value]

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Relay until ``stop`` is set, reconnecting with back-off after failures."""
        stop = stop or asyncio.Event()
        pause = 0.25
        while not stop.is_set():
            try:
                connection = await self.connect()
                try:
                    channel, exchanges = await self._open(connection)
                    log.info("relay %s connected; publishing to exchange %r", self.name, self.exchange)
                    pause = 0.25  # the broker is back: the next failure starts the back-off afresh
                    await self._pump(connection, channel, exchanges, stop)
                finally:
                    await _quietly(connection.close())
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - broker or database away: back off and retry
                RECONNECTS.inc()
                log.warning("relay %s: %s: %s; retrying in %.1fs", self.name, type(error).__name__, error, pause)
                await _sleep(stop, pause * random.uniform(0.8, 1.2))
                pause = min(pause * 2, 30.0)

    async def _open(
        self, connection: AbstractRobustConnection
    ) -> tuple[AbstractChannel, dict[str | None, AbstractExchange]]:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(self.exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        return channel, {None: exchange}

    async def _pump(
        self,
        connection: AbstractRobustConnection,
        channel: AbstractChannel,
        exchanges: dict[str | None, AbstractExchange],
        stop: asyncio.Event,
    ) -> None:
        owed = Settlement()
        try:
            while not stop.is_set():
                await self.prune()
                rows = await self.claim(owed)
                owed = Settlement()
                if not rows:
                    await _sleep(stop, self.poll)
                    continue
                owed = await self._send(connection, channel, exchanges, rows)
                if channel.is_closed or connection.is_closed:
                    raise ConnectionError("the broker closed the channel")
        finally:
            try:
                await self.settle(owed)
            except Exception as error:  # noqa: BLE001 - the leases run out; the rows go out again
                log.warning("relay %s: could not record a batch as sent: %s", self.name, error)

    async def publish(
        self,
        connection: AbstractRobustConnection,
        channel: AbstractChannel,
        exchanges: dict[str | None, AbstractExchange],
        rows: Sequence[OutboxRow],
    ) -> Settlement:
        """Publish one claimed batch and settle it by the broker's confirms."""
        settlement = await self._send(connection, channel, exchanges, rows)
        await self.settle(settlement)
        return settlement

    async def _send(
        self,
        connection: AbstractRobustConnection,
        channel: AbstractChannel,
        exchanges: dict[str | None, AbstractExchange],
        rows: Sequence[OutboxRow],
    ) -> Settlement:
        """Publish one claimed batch; which rows the broker confirmed."""
        parked: list[int] = []
        for name in {r.exchange for r in rows if r.exchange is not None and r.exchange not in exchanges}:
            try:  # on a channel of its own: a refused declaration closes the channel
                async with connection.channel() as probe:
                    await probe.declare_exchange(name, aio_pika.ExchangeType.TOPIC, durable=True)
                exchanges[name] = await channel.get_exchange(name, ensure=False)
            except Exception as error:  # noqa: BLE001
                log.warning("relay: cannot use exchange %r: %s; retrying its events later", name, error)
                parked.extend(r.id for r in rows if r.exchange == name)
        todo = [r for r in rows if r.id not in set(parked)]
        results = await asyncio.gather(
            *(
                exchanges[r.exchange].publish(
                    message(r), routing_key=r.routing_key, mandatory=False, timeout=self.publish_timeout
                )
                for r in todo
            ),
            return_exceptions=True,
        )
        confirmed = self.clock()
        sent = [r for r, result in zip(todo, results, strict=True) if not isinstance(result, BaseException)]
        failed = [r.id for r, result in zip(todo, results, strict=True) if isinstance(result, BaseException)]
        self.published += len(sent)
        for r in sent:
            PUBLISHED.labels(r.routing_key).inc()
            LATENCY.observe(max(0.0, (confirmed - r.created_at).total_seconds()))
        if failed or parked:
            FAILED.inc(len(failed) + len(parked))
            errors = {type(result).__name__ for result in results if isinstance(result, BaseException)}
            log.warning(
                "relay: %d of %d messages got no confirm (%s)", len(failed), len(rows), ", ".join(sorted(errors))
            )
        return Settlement([r.id for r in sent], failed, parked)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass


async def _quietly(awaitable: Any) -> None:
    try:
        await asyncio.wait_for(awaitable, timeout=5)
    except Exception:  # noqa: BLE001 - closing a dead connection may fail; nothing to do
        pass
