"""The AMQP relay against the real RabbitMQ: wire format, confirms, failures, two relays."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aio_pika
from eventkit import Broker, Consumer, all_sent, eventually, exchange_name, outbox, running, subjects

from mo.events.relay import OutboxRow, Relay
from tests.conftest import Client
from tests.seed import ENGAGEMENT, PERSON, create, engagement_input, seed


async def delivered(consumer: Consumer, expected: Any, timeout: float = 20) -> None:
    """Wait until the consumer got every (routing key, uuid) of ``expected`` at least once."""

    async def complete() -> bool:
        return not (set(expected) - set(consumer.counts()))

    await eventually(complete, timeout, "every event to arrive")


async def test_the_relay_publishes_ramqps_wire_format_and_marks_rows_sent(gql: Client, broker: Broker) -> None:
    s = await seed(gql)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    exchange = exchange_name()
    async with Consumer(broker.url, exchange) as consumer, running(Relay(gql.engine, broker.url, exchange=exchange)):
        await all_sent(gql.engine)
        rows = await outbox(gql.engine)
        await delivered(consumer, subjects(rows))
    assert consumer.counts() == subjects(rows)  # each once: nothing failed
    assert ("engagement", engagement) in consumer.counts()
    message = next(m for m in consumer.messages if m.routing_key == "engagement")
    assert json.loads(message.body) == engagement and message.body == f'"{engagement}"'.encode()
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.content_type == "application/json"
    assert message.headers["mo-cause"] == "registration"
    assert all(r["sent_at"] is not None for r in rows)


class FlakyExchange:
    """Confirms everything but persons."""

    def __init__(self) -> None:
        self.published: list[str] = []

    async def publish(self, message: aio_pika.Message, routing_key: str, **_: Any) -> None:
        if routing_key == "person":
            raise aio_pika.exceptions.DeliveryError(None, None)  # type: ignore[arg-type]
        self.published.append(routing_key)


async def test_only_confirmed_rows_are_marked_sent(gql: Client) -> None:
    await seed(gql)
    relay = Relay(gql.engine, "amqp://unused", batch=100)
    rows = await relay.claim()
    assert rows and await relay.claim() == []  # leased: a second relay gets nothing
    exchange = FlakyExchange()
    await relay.publish(None, None, {None: exchange}, rows)  # type: ignore[arg-type, dict-item]
    persons = [r for r in rows if r.routing_key == "person"]
    after = {r["id"]: r for r in await outbox(gql.engine)}
    assert persons and all(after[r.id]["sent_at"] is None for r in persons)
    assert all(after[r.id]["sent_at"] is not None for r in rows if r.routing_key != "person")
    again = await relay.claim()  # the refused ones are released at once, not after the lease
    assert [r.id for r in again] == [r.id for r in persons]
    assert isinstance(again[0], OutboxRow)


async def test_the_relay_rides_out_the_broker_cutting_it_off(gql: Client, broker: Broker) -> None:
    exchange = exchange_name()
    async with (
        Consumer(broker.url, exchange) as consumer,
        running(Relay(gql.engine, broker.url, exchange=exchange)) as relay,
    ):
        for n in range(30):
            await create(gql, PERSON, {"given_name": f"P{n}", "surname": "Cut"})
            if n in (9, 19):
                await asyncio.to_thread(broker.close_connections)
        await all_sent(gql.engine, 30)
        rows = await outbox(gql.engine)
        await delivered(consumer, subjects(rows), 30)
    assert len(rows) == 30 and relay.published >= 30


async def test_two_relays_share_the_outbox_without_loss(gql: Client, broker: Broker) -> None:
    exchange = exchange_name()
    first = Relay(gql.engine, broker.url, exchange=exchange, batch=5)
    second = Relay(gql.engine, broker.url, exchange=exchange, batch=5)
    async with Consumer(broker.url, exchange) as consumer, running(first), running(second):
        for n in range(40):
            await create(gql, PERSON, {"given_name": f"P{n}", "surname": "Two"})
        await all_sent(gql.engine, 30)
        rows = await outbox(gql.engine)
        await delivered(consumer, subjects(rows))
    assert len(rows) == 40
    assert first.published + second.published == 40  # disjoint claims: no row went out twice
    assert consumer.counts() == subjects(rows)


async def test_a_refresh_to_an_exchange_reaches_that_exchange_only(gql: Client, broker: Broker) -> None:
    person = await create(gql, PERSON, {"given_name": "Ida", "surname": "Ex"})
    default, integration = exchange_name(), exchange_name()
    async with Consumer(broker.url, default) as everyone, Consumer(broker.url, integration) as one:
        async with running(Relay(gql.engine, broker.url, exchange=default)):
            await all_sent(gql.engine)
            await delivered(everyone, {("person", person): 1})
            await gql.ok(
                "mutation ($u: [UUID!]!, $x: String!) { employee_refresh(filter: {uuids: $u}, exchange: $x) { objects } }",
                {"u": [person], "x": integration},
            )
            await all_sent(gql.engine)
            await delivered(one, {("person", person): 1})
    assert everyone.counts()[("person", person)] == 1
    assert one.counts()[("person", person)] == 1
