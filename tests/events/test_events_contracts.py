"""The written contracts say what the code does: amqp/asyncapi.yaml and docker-compose.yml."""

from __future__ import annotations

import json
import re
from pathlib import Path

from mo.events import ROUTING_KEYS
from mo.events.relay import OutboxRow, message
from mo.model import MODELS

ROOT = Path(__file__).resolve().parents[2]


def section(text: str, name: str) -> str:
    """The lines of a top-level YAML mapping ``name``."""
    match = re.search(rf"^{name}:\n((?:[ #].*\n|\n)*)", text, re.MULTILINE)
    assert match, name
    return match.group(1)


def test_the_asyncapi_channels_are_the_routing_keys() -> None:
    text = (ROOT / "amqp" / "asyncapi.yaml").read_text(encoding="utf-8")
    channels = re.findall(r"^  (\w+):$", section(text, "channels"), re.MULTILINE)
    assert channels == list(ROUTING_KEYS)
    assert set(MODELS) <= set(ROUTING_KEYS)  # every object type has its channel
    components = section(text, "components")
    assert re.search(r"name: os2mo\n\s+type: topic\n\s+durable: true", components)
    assert "deliveryMode: 2" in components and "format: uuid" in components


def test_the_message_is_what_the_contract_says() -> None:
    from datetime import datetime, timezone
    from uuid import uuid4

    uuid = uuid4()
    sent = message(OutboxRow(7, "person", uuid, None, "registration", 3, datetime.now(timezone.utc)))
    assert json.loads(sent.body) == str(uuid)
    assert sent.delivery_mode == 2 and sent.content_type == "application/json"
    assert sent.message_id == "mo-outbox-7"
    assert sent.headers == {"mo-cause": "registration", "mo-registration": 3}


def test_docker_compose_runs_rabbitmq_the_relay_and_the_scheduler() -> None:
    services = section((ROOT / "docker-compose.yml").read_text(encoding="utf-8"), "services")
    names = re.findall(r"^  ([\w-]+):$", services, re.MULTILINE)
    assert {"rabbitmq", "relay", "scheduler"} <= set(names)
    assert 'command: ["mo", "relay"]' in services and 'command: ["mo", "scheduler"]' in services
    assert "MO_AMQP_URL: amqp://" in services
