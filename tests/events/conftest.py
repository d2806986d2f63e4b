"""Fixtures of the event tests: a RabbitMQ vhost of our own for the session.

The registry fixtures (``engine`` on SQLite and PostgreSQL, ``gql``) come from
tests/conftest.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import quote
from uuid import uuid4

import pytest
from eventkit import Broker, rabbitmqctl, start_broker


@pytest.fixture(scope="session")
def broker() -> Iterator[Broker]:
    """A fresh vhost on the local RabbitMQ (started if down), deleted afterwards."""
    start_broker()
    vhost = f"mo-test-{os.getpid()}-{uuid4().hex[:6]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield Broker(vhost, f"amqp://guest:guest@127.0.0.1:5672/{quote(vhost, safe='')}")
    finally:
        rabbitmqctl("delete_vhost", vhost)
