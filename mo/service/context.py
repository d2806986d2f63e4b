"""What a write needs: the transaction, its registration and the day it runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal import Interval, Registrar


@dataclass(slots=True)
class WriteContext:
    conn: AsyncConnection
    registrar: Registrar
    today: date
    validity: dict[tuple[str, UUID], list[Interval]] = field(default_factory=dict)
    """Current validity of objects read for reference checks in this transaction;
    an entry is dropped when the transaction writes that object."""
