"""Reading and writing one object's versions in a versioned table."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import BindParameter, Select, Table, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal.bulk import insert_rows
from bitemporal.intervals import Interval
from bitemporal.keyed import KeyedStatement
from bitemporal.queries import registered_at, to_version
from bitemporal.registration import Registrar
from bitemporal.tables import value_columns
from bitemporal.versions import Version, diff, ordered

T = TypeVar("T")


#: Objects per statement when a bulk read or close lists them by key (SQLite allows
#: 32,766 bound parameters, psycopg 65,535).
CHUNK = 5000

Change = tuple[UUID, Sequence[Version], Sequence[Version]]
"""One object's write: (uuid, its versions as read under the lock, its new versions)."""

Diff = tuple[UUID, Sequence[Version], Sequence[Version]]
"""One object's write as ``diff`` gives it: (uuid, stored versions to close, versions to insert)."""


class VersionedTable:
    """The write path of one versioned table.

    A write is: ``lock`` the objects, read their ``current`` versions, compute the new
    versions with ``bitemporal.versions``, then ``replace``. Locking first makes
    concurrent writers to one object take turns, so none of them computes from a
    stale read. Each step has a bulk form (``lock_many``, ``current_many``,
    ``replace_many``) whose statements do not multiply with the number of objects;
    the one-object forms are their N=1 case.
    """

    def __init__(self, table: Table, model: str | None = None) -> None:
        self.table = table
        self.model = model or table.name
        self.fields: tuple[str, ...] = tuple(value_columns(table))
        self._insert_columns = ("uuid", "valid_from", "valid_to", "registration_id", "reg_from", "reg_to", *self.fields)
        t = table
        uuids: BindParameter[UUID] = bindparam("uuids", expanding=True)
        # By uuid first: the order of the (uuid, valid_from) index, so the database need not sort.
        self._current = KeyedStatement(
            select(t.c.id, t.c.uuid, t.c.valid_from, t.c.valid_to, *(t.c[name] for name in self.fields))
            .where(t.c.uuid.in_(uuids), registered_at(t, None))
            .order_by(t.c.uuid, t.c.valid_from)
        )
        self._close = KeyedStatement(
            update(t).where(t.c.id.in_(bindparam("ids", expanding=True))).values(reg_to=bindparam("reg_to"))
        )
        self._floors: dict[Table, KeyedStatement] = {}

    async def lock(self, conn: AsyncConnection, uuid: UUID) -> None:
        """Serialise writers of ``uuid`` until the transaction ends."""
        await self.lock_many(conn, [uuid])

    async def lock_many(self, conn: AsyncConnection, uuids: Iterable[UUID]) -> None:
        """Serialise writers of ``uuids`` until the transaction ends, in one statement.

        PostgreSQL takes transaction-scoped advisory locks, in key order so that two
        bulk writers cannot deadlock. SQLite allows one writing transaction at a
        time (``BEGIN IMMEDIATE``), so nothing more is needed.
        """
        if conn.dialect.name != "postgresql":
            return
        keys = sorted({lock_key(self.model, uuid) for uuid in uuids})
        if len(keys) == 1:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": keys[0]})
        elif keys:
            await conn.execute(
                text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS k"), {"keys": keys}
            )

    async def current(
        self, conn: AsyncConnection, uuid: UUID, registration_time: datetime | None = None
    ) -> list[Version]:
        """The object's versions as registered at ``registration_time`` (default: now)."""
        t = self.table
        rows = await conn.execute(
            select(t).where(t.c.uuid == uuid, registered_at(t, registration_time)).order_by(t.c.valid_from)
        )
        return [to_version(row, self.fields) for row in rows]

    async def current_many(self, conn: AsyncConnection, uuids: Iterable[UUID]) -> dict[UUID, list[Version]]:
        """The current versions of each of ``uuids`` (an empty list when it has none).

        Reads only what a write needs (not the registration columns), as plain tuples.
        """
        fields = self.fields
        wanted = list(dict.fromkeys(uuids))
        result: dict[UUID, list[Version]] = {uuid: [] for uuid in wanted}
        intervals: dict[tuple[Any, Any], Interval] = {}
        for chunk in _chunks(wanted):
            for row_id, uuid, start, end, *values in await self._current.execute(conn, {"uuids": chunk}):
                # Versions with the same bounds share one (immutable) Interval.
                interval = intervals.get((start, end))
                if interval is None:
                    interval = intervals[(start, end)] = Interval(start, end)
                result[uuid].append(Version(interval, dict(zip(fields, values, strict=True)), row_id))
        return result

    async def latest_registration(self, conn: AsyncConnection, uuid: UUID) -> datetime | None:
        """The newest registration time found on any row of the object."""
        latest: datetime | None = await conn.scalar(self._latest([uuid]))
        return latest

    async def latest_many(self, conn: AsyncConnection, uuids: Sequence[UUID]) -> dict[UUID, datetime | None]:
        """The newest registration time on any row of each object (None: never registered)."""
        t = self.table
        result: dict[UUID, datetime | None] = dict.fromkeys(uuids)
        for chunk in _chunks(list(uuids)):
            rows = await conn.execute(
                select(t.c.uuid, func.max(func.coalesce(t.c.reg_to, t.c.reg_from)))
                .where(t.c.uuid.in_(chunk))
                .group_by(t.c.uuid)
            )
            result.update({row[0]: row[1] for row in rows})
        return result

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
        return bool(await self.replace_many(conn, registrar, [(uuid, old, new)]))

    async def replace_many(self, conn: AsyncConnection, registrar: Registrar, changes: Iterable[Change]) -> list[UUID]:
        """``replace`` for many objects (each at most once), in a constant number of statements.

        Returns the objects that changed. Statements: the registration (on the
        transaction's first write, its floor read in the same statement) or the
        objects' latest registrations (on later writes), their
        ``registration_object`` rows, one ``UPDATE`` closing every replaced row
        and one insert of every new row.
        """
        return await self.register_many(
            conn, registrar, [(uuid, *diff(old, ordered(new))) for uuid, old, new in changes]
        )

    async def register_many(self, conn: AsyncConnection, registrar: Registrar, diffs: Iterable[Diff]) -> list[UUID]:
        """``replace_many`` for callers that computed the ``diff`` of each object already."""
        closing: list[int | None] = []
        inserting: list[tuple[UUID, Version]] = []
        changed: list[UUID] = []
        for uuid, closed, inserted in diffs:
            if not closed and not inserted:
                continue
            changed.append(uuid)
            closing.extend(v.row_id for v in closed)
            inserting.extend((uuid, v) for v in inserted)
        if not changed:
            return []
        if None in closing:
            raise ValueError("versions to close must come from the store (row_id missing)")
        if registrar.registration is None:
            # The newest registration time in the database and on these objects, in one statement.
            floors = await self._floor(registrar.tables.registration).execute(conn, {"uuids": changed})
            await registrar.begin_after(*floors[0])
        else:
            untouched = registrar.untouched(self.model, changed)
            if untouched:
                registrar.check(await self.latest_many(conn, untouched), self.model)
        registration = await registrar.claim(self.model, changed)
        t = self.table
        for ids in _chunks(closing):
            await self._close.execute(conn, {"ids": ids, "reg_to": registration.time})
        if inserting:
            fields = self.fields
            reg_id, reg_from = registration.id, registration.time
            await insert_rows(
                conn,
                t,
                self._insert_columns,
                [
                    (uuid, version.interval.start, version.interval.end, reg_id, reg_from, None)
                    + tuple(map(version.values.get, fields))
                    for uuid, version in inserting
                ],
            )
        return changed

    def _floor(self, registration: Table) -> KeyedStatement:
        """The newest time in ``registration`` and the newest registration time on objects ``uuids``."""
        floor = self._floors.get(registration)
        if floor is None:
            t = self.table
            latest = select(func.max(func.coalesce(t.c.reg_to, t.c.reg_from))).where(
                t.c.uuid.in_(bindparam("uuids", expanding=True))
            )
            floor = self._floors[registration] = KeyedStatement(
                select(func.max(registration.c.time), latest.scalar_subquery())
            )
        return floor

    def _latest(self, uuids: Sequence[UUID]) -> Select[Any]:
        t = self.table
        condition = t.c.uuid == uuids[0] if len(uuids) == 1 else t.c.uuid.in_(uuids)
        return select(func.max(func.coalesce(t.c.reg_to, t.c.reg_from))).where(condition)


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def lock_key(model: str, uuid: UUID) -> int:
    """A signed 64-bit advisory-lock key for one object."""
    digest = hashlib.blake2b(f"{model}:{uuid}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
