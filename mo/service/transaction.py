"""One writing transaction through the service layer, with its change events.

Every writer outside a GraphQL request (the sample loader, imports, workers inside
the service) opens its transaction here, so its registration and its outbox rows
commit together or not at all, exactly as for the API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncEngine

from bitemporal import Registrar, utcnow
from bitemporal.registration import Clock
from mo.db.engine import write_transaction
from mo.db.tables import registrations
from mo.events.outbox import record_registration
from mo.service.context import WriteContext
from mo.timezone import day_of


@asynccontextmanager
async def writing(
    engine: AsyncEngine,
    actor: UUID,
    *,
    note: str | None = None,
    today: date | None = None,
    clock: Clock = utcnow,
) -> AsyncIterator[WriteContext]:
    """A WriteContext in a transaction that emits its events before committing."""
    async with write_transaction(engine) as conn:
        registrar = Registrar(conn, registrations, actor, note, clock=clock)
        ctx = WriteContext(conn, registrar, today or day_of(clock()))
        yield ctx
        await record_registration(conn, registrar.registration, registrar.touched)
