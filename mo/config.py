"""Settings, read from the environment with the prefix ``MO_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from uuid import UUID

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE = "sqlite+aiosqlite:///var/mo.sqlite"

#: The actor recorded on writes when no identity provider is configured.
LOCAL_ADMIN = UUID("00000000-0000-4000-8000-000000000001")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MO_", env_file=".env", extra="ignore")

    database_url: str = DEFAULT_SQLITE
    """SQLAlchemy URL. The default is an embedded SQLite file; ``postgresql://...``
    selects PostgreSQL through psycopg 3."""

    timezone: str = "Europe/Copenhagen"
    """The zone whose midnights delimit validity days."""

    host: str = "127.0.0.1"
    port: int = 5000
    sql_echo: bool = False

    pg_one_message: bool = True
    """On PostgreSQL, send a small lookup's statements in one message, prepared with
    SQL's ``PREPARE`` (``mo.db.engine.one_message``). Turn off behind a pooler in
    transaction mode (PgBouncer), which does not keep such statements."""

    amqp_url: str | None = None
    """RabbitMQ for `mo relay` (``amqp://user:password@host:5672/vhost``); unset: events
    are only pulled over GraphQL, and the outbox waits for a relay."""

    amqp_exchange: str = "os2mo"
    """The durable topic exchange the relay publishes to."""

    relay_batch: int = 500
    relay_lease_seconds: float = 30.0
    """How long a relay holds claimed outbox rows; a dead relay's rows are published
    again after this."""

    relay_poll_seconds: float = 0.05
    """How often an idle relay looks for new outbox rows (a cheap read)."""

    relay_metrics_port: int = 0
    """Where `mo relay` serves its own Prometheus metrics; 0: nowhere."""

    outbox_retention_days: int = 7
    """Sent outbox rows are deleted after this many days."""

    scheduler_interval_seconds: float = 60.0

    keycloak_url: str | None = None
    """The Keycloak server (``http://keycloak:8080``); unset: local mode (loopback
    only, every request acts as the local administrator)."""

    keycloak_realm: str = "mo"
    """The realm whose tokens are accepted."""

    keycloak_audience: str = "mo"
    """The audience (``aud``) a token must name."""

    keycloak_issuer: str | None = None
    """The issuer (``iss``) tokens must carry; unset: the realm's discovery document's."""

    access_log: bool = False
    """Record every read (who, which root fields with which filter, which objects)
    in the access log."""

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, url: str) -> str:
        return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """Pick the async drivers for plain ``postgresql://`` and ``sqlite://`` URLs."""
    for plain, driver in (
        ("postgresql://", "postgresql+psycopg://"),
        ("postgres://", "postgresql+psycopg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and ``:memory:``."""
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix) or url.endswith(":memory:"):
        return None
    return Path(url[len(prefix) :])


@lru_cache
def get_settings() -> Settings:
    return Settings()
