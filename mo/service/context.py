"""What a write needs: the transaction, its registration and the day it runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal import Interval, Registrar, Version

#: Called before every write is registered: (ctx, model, uuid, closed, inserted);
#: raises to refuse it (``mo.auth.scope``: the owner role's scope).
Guard = Callable[["WriteContext", Any, UUID, Sequence[Version], Sequence[Version]], Awaitable[None]]


@dataclass(slots=True)
class WriteContext:
    conn: AsyncConnection
    registrar: Registrar
    today: date
    validity: dict[tuple[str, UUID], list[Interval]] = field(default_factory=dict)
    """Current validity of objects read for reference checks in this transaction;
    an entry is dropped when the transaction writes that object."""
    guard: Guard | None = None
    """Checks every write before it is registered (None: every write is allowed)."""
