"""Reading and writing one object's versions in a versioned table."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal.queries import registered_at, to_version
from bitemporal.registration import Registrar
from bitemporal.tables import value_columns
from bitemporal.versions import Version, diff, ordered


class VersionedTable:
    """The write path of one versioned table.

    A write is: ``lock`` the object, read its ``current`` versions, compute the new
    versions with ``bitemporal.versions``, then ``replace``. Locking first makes
    concurrent writers to one object take turns, so none of them computes from a
    stale read.
    """

    def __init__(self, table: Table, model: str | None = None) -> None:
        self.table = table
        self.model = model or table.name
        self.fields: tuple[str, ...] = tuple(value_columns(table))

    async def lock(self, conn: AsyncConnection, uuid: UUID) -> None:
        """Serialise writers of ``uuid`` until the transaction ends.

        PostgreSQL takes a transaction-scoped advisory lock. SQLite allows one
        writing transaction at a time (``BEGIN IMMEDIATE``), so nothing more is needed.
        """
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(self.model, uuid)})

    async def current(
        self, conn: AsyncConnection, uuid: UUID, registration_time: datetime | None = None
    ) -> list[Version]:
        """The object's versions as registered at ``registration_time`` (default: now)."""
        t = self.table
        rows = await conn.execute(
            select(t).where(t.c.uuid == uuid, registered_at(t, registration_time)).order_by(t.c.valid_from)
        )
        return [to_version(row, self.fields) for row in rows]

    async def latest_registration(self, conn: AsyncConnection, uuid: UUID) -> datetime | None:
        """The newest registration time found on any row of the object."""
        t = self.table
        return await conn.scalar(select(func.max(func.coalesce(t.c.reg_to, t.c.reg_from))).where(t.c.uuid == uuid))

    async def exists(self, conn: AsyncConnection, uuid: UUID) -> bool:
        """True when the object has ever been registered (even if deleted since)."""
        t = self.table
        return (await conn.scalar(select(t.c.id).where(t.c.uuid == uuid).limit(1))) is not None

    async def replace(
        self,
        conn: AsyncConnection,
        registrar: Registrar,
        uuid: UUID,
        old: Sequence[Version],
        new: Sequence[Version],
    ) -> bool:
        """Register ``new`` as the object's versions in place of ``old``.

        ``old`` must be what ``current`` returned under the lock. Unchanged versions
        stay as they are; returns False (and registers nothing) if nothing changed.
        """
        closed, inserted = diff(old, ordered(new))
        if not closed and not inserted:
            return False
        latest = await self.latest_registration(conn, uuid)
        registration = await registrar.for_object(self.model, uuid, latest)
        t = self.table
        if closed:
            ids = [v.row_id for v in closed]
            if None in ids:
                raise ValueError("versions to close must come from the store (row_id missing)")
            await conn.execute(update(t).where(t.c.id.in_(ids)).values(reg_to=registration.time))
        if inserted:
            await conn.execute(
                insert(t),
                [
                    {
                        **version.values,
                        "uuid": uuid,
                        "valid_from": version.interval.start,
                        "valid_to": version.interval.end,
                        "registration_id": registration.id,
                        "reg_from": registration.time,
                        "reg_to": None,
                    }
                    for version in inserted
                ],
            )
        return True


def lock_key(model: str, uuid: UUID) -> int:
    """A signed 64-bit advisory-lock key for one object."""
    digest = hashlib.blake2b(f"{model}:{uuid}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
