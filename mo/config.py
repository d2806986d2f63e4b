"""Settings, read from the environment with the prefix ``MO_``.

A value comes from, in order: a keyword argument of ``Settings(...)``, the
environment variable ``MO_<NAME>`` (any case), a ``MO_<NAME>=`` line of the file
``.env`` in the working directory, the default. These are pydantic-settings'
rules, which these settings followed until they were read here: importing
pydantic and pydantic-settings took ~60 ms of `mo serve`'s start-up, for a flat
list of strings and numbers. Values are parsed as pydantic parsed them (see
``_parse``), and a value that does not parse stops the start with its name.

No ``from __future__ import annotations``: the field types are read from the
class's annotations, as objects.
"""

import os
import re
import types
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from uuid import UUID

PREFIX = "MO_"
ENV_FILE = Path(".env")

DEFAULT_SQLITE = "sqlite+aiosqlite:///var/mo.sqlite"

#: The actor recorded on writes when no identity provider is configured.
LOCAL_ADMIN = UUID("00000000-0000-4000-8000-000000000001")


class SettingsError(ValueError):
    """A setting whose value does not parse."""


class Settings:
    """Every setting of the service; ``Settings(name=value)`` overrides one."""

    database_url: str = DEFAULT_SQLITE
    """SQLAlchemy URL. The default is an embedded SQLite file; ``postgresql://...``
    selects PostgreSQL through psycopg 3."""

    timezone: str = "Europe/Copenhagen"
    """The zone whose midnights delimit validity days."""

    host: str = "127.0.0.1"
    port: int = 5000
    sql_echo: bool = False

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

    def __init__(self, **values: Any) -> None:
        environment = _environment()
        for name, kind in _FIELDS.items():
            if name in values:
                value = _check(name, kind, values[name])
            elif (text := environment.get((PREFIX + name).lower())) is not None:
                value = _parse(PREFIX + name.upper(), kind, text)
            else:
                value = getattr(type(self), name)
            setattr(self, name, value)
        self.database_url = normalise_database_url(self.database_url)

    def __repr__(self) -> str:
        return f"Settings({', '.join(f'{name}={getattr(self, name)!r}' for name in _FIELDS)})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = None  # type: ignore[assignment]


#: name -> type of every setting, in declaration order.
_FIELDS: dict[str, Any] = dict(Settings.__annotations__)


def _environment() -> dict[str, str]:
    """The environment with lower-case names, over the lines of ``.env`` (if any)."""
    found: dict[str, str] = {}
    if ENV_FILE.is_file() or ENV_FILE.is_fifo():
        from dotenv import dotenv_values

        found.update((k.lower(), v) for k, v in dotenv_values(ENV_FILE, encoding="utf-8").items() if v is not None)
    found.update((k.lower(), v) for k, v in os.environ.items())
    return found


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_INTEGER = re.compile(r"\s*[+-]?[0-9](?:_?[0-9])*(?:\.0+)?\s*")


def _bool(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError


def _int(text: str) -> int:
    if not _INTEGER.fullmatch(text):
        raise ValueError
    return int(text.strip().partition(".")[0])


_PARSERS: Mapping[Any, Callable[[str], Any]] = {str: str, str | None: str, int: _int, float: float, bool: _bool}
_EXPECTED = {int: "an integer", float: "a number", bool: "true or false (1/0, yes/no, on/off)"}


def _parse(variable: str, kind: Any, text: str) -> Any:
    """``text`` as a value of ``kind``: ``int`` takes ``5000``, ``5_000`` and ``5000.0``,
    ``float`` what Python's ``float`` takes, ``bool`` one of ``_TRUE`` or ``_FALSE``
    in any case, a string anything (an empty value too)."""
    try:
        return _PARSERS[kind](text)
    except ValueError:
        raise SettingsError(f"{variable}={text!r} is not {_EXPECTED[kind]}") from None


def _check(name: str, kind: Any, value: Any) -> Any:
    """A keyword argument: text is parsed like the environment's, other values must fit."""
    if isinstance(value, str):
        return _parse(name, kind, value)
    if value is None and isinstance(kind, types.UnionType):
        return None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind is bool and value in (0, 1):
        return bool(value)
    if isinstance(value, kind):
        return int(value) if kind is int else value
    raise SettingsError(f"{name}={value!r} is not {_EXPECTED.get(kind, 'a string')}")


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
