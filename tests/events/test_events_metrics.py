"""/metrics: pending events and oldest age per listener, outbox counts, relay lag."""

from __future__ import annotations

from typing import Any

import httpx
from eventkit import declare
from prometheus_client.parser import text_string_to_metric_families

from mo.app import create_app
from mo.config import Settings
from mo.events.relay import Relay
from tests.conftest import Client
from tests.seed import PERSON, create


class Confirming:
    async def publish(self, *args: Any, **kwargs: Any) -> None:
        return None


async def scrape(gql: Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    app = create_app(Settings(database_url=gql.engine.url.render_as_string(hide_password=False)))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mo") as client:
            response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(metrics: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    found = [v for (n, ls), v in metrics.items() if n == name and labels.items() <= dict(ls).items()]
    assert len(found) == 1, (name, labels, found)
    return found[0]


async def test_metrics_show_listeners_outbox_and_relay_lag(gql: Client) -> None:
    listener = await declare(gql, "person", "metrics-test")
    for n in range(3):
        await create(gql, PERSON, {"given_name": f"M{n}", "surname": "Etric"})
    metrics = await scrape(gql)
    assert value(metrics, "mo_events_pending", listener=listener, user_key="metrics-test", silenced="false") == 3
    assert value(metrics, "mo_events_oldest_age_seconds", listener=listener) >= 0
    assert value(metrics, "mo_outbox_unsent") == 3
    assert value(metrics, "mo_outbox_sent") == 0
    assert value(metrics, "mo_relay_lag_seconds") > 0

    relay = Relay(gql.engine, "amqp://unused")
    await relay.publish(None, None, {None: Confirming()}, await relay.claim())  # type: ignore[arg-type, dict-item]
    metrics = await scrape(gql)
    assert value(metrics, "mo_outbox_unsent") == 0
    assert value(metrics, "mo_outbox_sent") == 3
    assert value(metrics, "mo_relay_lag_seconds") == 0
