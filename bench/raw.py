"""The hand-written side of the benchmark: plain DB-API connections and JSON helpers.

Baselines write SQL with ``:name`` placeholders and the ``{U(...)}``/``{D(...)}``
helpers below, so one text serves SQLite (``sqlite3``) and PostgreSQL (``psycopg``):
on PostgreSQL uuids and dates are cast to text in SQL; on SQLite they already are
text (uuids as 32 hex digits, which ``uuid`` formats). JSON is made with orjson.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Copenhagen")
NEG_INF = "0001-01-01"
POS_INF = "9999-12-31"
_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Raw:
    """One DB-API connection and the few differences between the two databases."""

    def __init__(self, backend: str, conn: Any) -> None:
        self.backend = backend
        self.conn = conn
        self.pg = backend == "postgresql"
        self._sql: dict[str, str] = {}

    @classmethod
    def sqlite(cls, path: str) -> Raw:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return cls("sqlite", conn)

    @classmethod
    def postgresql(cls, dsn: str) -> Raw:
        import psycopg

        conn = psycopg.connect(dsn, autocommit=True)
        conn.execute("SET TIME ZONE 'UTC'")
        return cls("postgresql", conn)

    def close(self) -> None:
        self.conn.close()

    # -- SQL text
    def U(self, column: str) -> str:  # noqa: N802 - reads like a cast in SQL
        """A uuid column as text (dashed on PostgreSQL, 32 hex digits on SQLite; see ``uuid``)."""
        return f"{column}::text" if self.pg else column

    def D(self, column: str) -> str:  # noqa: N802
        """A date column as ``YYYY-MM-DD`` text."""
        return f"{column}::text" if self.pg else column

    def in_(self, name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
        """``IN`` over ``values``: ``= ANY(:name)`` on PostgreSQL, a list of parameters on SQLite."""
        if self.pg:
            return f"= ANY(:{name})", {name: list(values)}
        names = {f"{name}_{i}": v for i, v in enumerate(values)}
        return "IN (" + ", ".join(f":{n}" for n in names) + ")", names

    def sql(self, text: str) -> str:
        found = self._sql.get(text)
        if found is None:
            found = _PLACEHOLDER.sub(r"%(\1)s", text) if self.pg else text
            self._sql[text] = found
        return found

    def rows(self, text: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(self.sql(text), params or {}).fetchall()  # type: ignore[no-any-return]

    def execute(self, text: str, params: dict[str, Any] | Sequence[Any] | None = None) -> Any:
        return self.conn.execute(self.sql(text), params or {})

    # -- parameters
    def p_uuid(self, value: UUID | str) -> Any:
        value = value if isinstance(value, UUID) else UUID(value)
        return value if self.pg else value.hex

    def p_date(self, value: date) -> Any:
        return value if self.pg else value.isoformat()

    def p_time(self, value: datetime) -> Any:
        if self.pg:
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    # -- results
    def uuid(self, value: Any) -> str | None:
        """A uuid from a row as GraphQL shows it."""
        if value is None or self.pg:
            return value if value is None or isinstance(value, str) else str(value)
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"

    def time(self, value: Any) -> str | None:
        """A registration time from a row as GraphQL shows it (UTC ISO 8601)."""
        if value is None:
            return None
        if self.pg:
            return value.isoformat()  # type: ignore[no-any-return]
        return datetime.fromisoformat(value).replace(tzinfo=UTC).isoformat()


@lru_cache(maxsize=65536)
def midnight(day: str) -> str | None:
    """A stored day (``YYYY-MM-DD``) as GraphQL shows a validity bound; infinite bounds are null."""
    if day in (NEG_INF, POS_INF):
        return None
    return datetime.combine(date.fromisoformat(day), time(0), ZONE).isoformat()


def validity(start: str, end: str) -> dict[str, str | None]:
    return {"from": midnight(start), "to": midnight(end)}


def like(word: str) -> str:
    """A ``LIKE`` pattern for ``word`` anywhere, escaped with ``/`` as SQLAlchemy's autoescape does."""
    escaped = word.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def grouped(rows: Iterable[Sequence[Any]], width: int) -> list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Rows ordered by their first ``width`` columns, grouped by them: [(key, [rest, ...]), ...]."""
    result: list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]] = []
    last: tuple[Any, ...] | None = None
    for row in rows:
        key, rest = tuple(row[:width]), tuple(row[width:])
        if key != last:
            result.append((key, []))
            last = key
        result[-1][1].append(rest)
    return result
