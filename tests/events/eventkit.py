"""Helpers of the event tests: GraphQL documents, outbox reads, RabbitMQ."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import aio_pika
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.events.relay import Relay

DECLARE = """mutation ($input: ListenerCreateInput!) {
  event_listener_declare(input: $input) { uuid owner user_key routing_key namespace { name } }
}"""
FETCH = "query ($l: UUID!) { event_fetch(filter: {listener: $l}) { subject priority token } }"
ACK = "mutation ($t: EventToken!) { event_acknowledge(input: {token: $t}) }"
PENDING = """query ($l: UUID!) {
  events(filter: {listeners: {uuids: [$l]}}) { objects { subject priority silenced } }
}"""


async def declare(gql: Any, routing_key: str, user_key: str | None = None, namespace: str = "mo") -> str:
    data = await gql.ok(
        DECLARE, {"input": {"namespace": namespace, "user_key": user_key or routing_key, "routing_key": routing_key}}
    )
    return str(data["event_listener_declare"]["uuid"])


async def pending(gql: Any, listener: str) -> list[str]:
    data = await gql.ok(PENDING, {"l": listener})
    return sorted(e["subject"] for e in data["events"]["objects"])


async def fetch(gql: Any, listener: str, now: Any = None) -> dict[str, Any] | None:
    data = await gql.ok(FETCH, {"l": listener}, now)
    result = data["event_fetch"]
    assert result is None or isinstance(result, dict)
    return result


async def ack(gql: Any, token: str) -> None:
    assert (await gql.ok(ACK, {"t": token}))["event_acknowledge"] is True


async def outbox(engine: AsyncEngine, after: int = 0) -> list[dict[str, Any]]:
    """Outbox rows with id > ``after``, oldest first; uuids as canonical strings."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT id, routing_key, uuid, exchange, cause, registration_id, effective_day, priority, sent_at "
                "FROM event_outbox WHERE id > :after ORDER BY id"
            ),
            {"after": after},
        )
        found = [dict(r._mapping) for r in rows]
    for row in found:
        row["uuid"] = canonical(row["uuid"])
        if row["effective_day"] is not None:
            row["effective_day"] = str(row["effective_day"])
    return found


async def last_outbox_id(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT coalesce(max(id), 0) FROM event_outbox")) or 0)


def canonical(value: Any) -> str:
    """A uuid as 8-4-4-4-12 text, whatever the backend returned."""
    from uuid import UUID

    return str(UUID(str(value)))


def subjects(rows: list[dict[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter((r["routing_key"], r["uuid"]) for r in rows)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float, what: str, step: float = 0.05) -> None:
    """Wait until ``check()`` holds, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(step)


# RabbitMQ ---------------------------------------------------------------------------


def rabbitmqctl(*args: str, timeout: float = 60) -> str:
    result = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def broker_up(host: str = "127.0.0.1", port: int = 5672) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def start_broker(timeout: float = 90) -> None:
    """Start the local RabbitMQ if it is down (as scripts/test.sh does)."""
    if broker_up():
        return
    if shutil.which("rabbitmq-server") is None:
        raise RuntimeError("RabbitMQ is not running on 127.0.0.1:5672 and rabbitmq-server is not installed")
    subprocess.run(["rabbitmq-server", "-detached"], capture_output=True, timeout=60)
    deadline = time.monotonic() + timeout
    while not broker_up():
        if time.monotonic() > deadline:
            raise RuntimeError("RabbitMQ did not start")
        time.sleep(0.5)
    rabbitmqctl("await_startup", timeout=timeout)


@dataclass
class Broker:
    """A vhost of the local RabbitMQ of our own, for one test session."""

    vhost: str
    url: str

    def close_connections(self) -> None:
        """Cut every connection to our vhost, as a broker failover would."""
        rabbitmqctl("close_all_connections", "--vhost", self.vhost, "test: broker goes away")

    def restart(self) -> None:
        """Stop and start the RabbitMQ application (the node stays up)."""
        rabbitmqctl("stop_app")
        try:
            time.sleep(0.5)
        finally:
            rabbitmqctl("start_app")
            rabbitmqctl("await_startup")


def exchange_name() -> str:
    return f"os2mo-test-{uuid4().hex[:10]}"


@dataclass
class Consumer:
    """A durable queue bound to ``keys`` of ``exchange``, recording what arrives.

    Robust: it reconnects and re-consumes after the broker cut it off; messages
    published meanwhile wait in the durable queue.
    """

    url: str
    exchange: str
    keys: tuple[str, ...] = ("#",)
    received: list[tuple[str, Any]] = field(default_factory=list)
    messages: list[aio_pika.abc.AbstractIncomingMessage] = field(default_factory=list)

    async def __aenter__(self) -> Consumer:
        self.connection = await aio_pika.connect_robust(self.url)
        channel = await self.connection.channel()
        exchange = await channel.declare_exchange(self.exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        self.queue = await channel.declare_queue(f"{self.exchange}-consumer", durable=True)
        for key in self.keys:
            await self.queue.bind(exchange, routing_key=key)

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            self.received.append((message.routing_key or "", json.loads(message.body)))
            self.messages.append(message)
            await message.ack()

        await self.queue.consume(on_message)
        return self

    async def __aexit__(self, *exc: object) -> None:
        try:
            await self.queue.delete(if_unused=False, if_empty=False)
        finally:
            await self.connection.close()

    def counts(self) -> Counter[tuple[str, str]]:
        return Counter((key, canonical(body)) for key, body in self.received)


@asynccontextmanager
async def running(relay: Relay) -> AsyncIterator[Relay]:
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        yield relay
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


async def unsent(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT count(*) FROM event_outbox WHERE sent_at IS NULL")) or 0)


async def all_sent(engine: AsyncEngine, timeout: float = 20) -> None:
    """Wait until the broker confirmed every outbox row."""

    async def done() -> bool:
        return await unsent(engine) == 0

    await eventually(done, timeout, "the outbox to be sent")
