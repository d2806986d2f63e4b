"""Prometheus metrics of the event system, read from the database at each scrape.

Everything here is derived from the tables, so it is right whichever process
(API, relay, scheduler) did the work and survives restarts:

- ``mo_events_pending`` and ``mo_events_oldest_age_seconds`` per listener (pull API);
- ``mo_outbox_unsent``, ``mo_outbox_sent`` and ``mo_outbox_failed_attempts`` (relay);
- ``mo_relay_lag_seconds``: age of the oldest outbox row not yet confirmed by the broker;
- ``mo_scheduler_last_day``: the last day the effective-date scheduler has done.

The relay process also counts what it did itself (``mo_relay_published_total``,
``mo_relay_failed_total``, ``mo_relay_latency_seconds``) on its own port.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.db.engine import read_transaction
from mo.db.tables import event, event_listener, event_outbox, event_scheduler
from mo.events.outbox import wall_clock

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LABELS = ["listener", "owner", "user_key", "namespace", "routing_key", "silenced"]


class Snapshot(Collector):
    """Metric families computed once, handed to prometheus_client's exposition."""

    def __init__(self, families: list[Any]) -> None:
        self.families = families

    def collect(self) -> Iterator[Any]:
        yield from self.families


async def families(engine: AsyncEngine, now: datetime | None = None) -> list[Any]:
    now = now or wall_clock()
    pending = GaugeMetricFamily("mo_events_pending", "Pending pull events per listener", labels=LABELS)
    oldest = GaugeMetricFamily(
        "mo_events_oldest_age_seconds", "Age of the oldest pending pull event per listener", labels=LABELS
    )
    unsent = GaugeMetricFamily("mo_outbox_unsent", "Outbox rows the broker has not confirmed yet")
    sent = GaugeMetricFamily("mo_outbox_sent", "Outbox rows confirmed by the broker (kept for the retention period)")
    failed = GaugeMetricFamily("mo_outbox_failed_attempts", "Failed publish attempts of the outbox rows kept")
    lag = GaugeMetricFamily("mo_relay_lag_seconds", "Age of the oldest outbox row not yet confirmed by the broker")
    last_day = GaugeMetricFamily(
        "mo_scheduler_last_day_timestamp_seconds", "Start (UTC midnight) of the last day the scheduler has emitted"
    )
    async with read_transaction(engine) as conn:
        listeners = (
            select(
                event_listener.c.uuid,
                event_listener.c.owner,
                event_listener.c.user_key,
                event_listener.c.namespace,
                event_listener.c.routing_key,
                event.c.silenced,
                func.count(event.c.id),
                func.min(event.c.created_at),
            )
            .join(event, event.c.listener_uuid == event_listener.c.uuid)
            .group_by(
                event_listener.c.uuid,
                event_listener.c.owner,
                event_listener.c.user_key,
                event_listener.c.namespace,
                event_listener.c.routing_key,
                event.c.silenced,
            )
        )
        for uuid, owner, user_key, namespace, routing_key, silenced, count, first in await conn.execute(listeners):
            labels = [str(uuid), str(owner), user_key, namespace, routing_key, str(bool(silenced)).lower()]
            pending.add_metric(labels, count)
            if first is not None:
                oldest.add_metric(labels, max(0.0, (now - _aware(first)).total_seconds()))
        t = event_outbox
        row = (
            await conn.execute(
                select(
                    func.count(case((t.c.sent_at.is_(None), 1))),
                    func.count(t.c.sent_at),
                    func.coalesce(func.sum(t.c.failures), 0),
                )
            )
        ).one()
        unsent.add_metric([], row[0])
        sent.add_metric([], row[1])
        failed.add_metric([], row[2])
        first_unsent = await conn.scalar(select(t.c.created_at).where(t.c.sent_at.is_(None)).order_by(t.c.id).limit(1))
        lag.add_metric([], 0.0 if first_unsent is None else max(0.0, (now - _aware(first_unsent)).total_seconds()))
        day = await conn.scalar(select(event_scheduler.c.last_day))
        if day is not None:
            last_day.add_metric([], datetime.combine(day, time(0), UTC).timestamp())
    return [pending, oldest, unsent, sent, failed, lag, last_day]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def exposition(engine: AsyncEngine, now: datetime | None = None) -> bytes:
    """The text a Prometheus scrape of /metrics gets."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Snapshot(await families(engine, now)))
    return generate_latest(registry)
