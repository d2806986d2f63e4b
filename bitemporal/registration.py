"""Registrations: one timestamp, actor and note per writing transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, MetaData, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal.bulk import insert_rows
from bitemporal.tables import registration_object_table, registration_table

Clock = Callable[[], datetime]
TICK = timedelta(microseconds=1)


def utcnow() -> datetime:
    return datetime.now(UTC)


class WriteConflict(RuntimeError):
    """Another transaction registered a change to the same object at a later time.

    Raised only in the rare race where this transaction's registration time is not
    after the object's latest registration; retrying the transaction resolves it.
    """


@dataclass(frozen=True, slots=True)
class Registration:
    id: int
    time: datetime
    actor: UUID
    note: str | None


@dataclass(frozen=True, slots=True)
class RegistrationTables:
    registration: Table
    registration_object: Table

    @classmethod
    def define(cls, metadata: MetaData) -> RegistrationTables:
        return cls(registration_table(metadata), registration_object_table(metadata))


class Registrar:
    """Hands out the registration of one transaction, created on its first write.

    The registration time is the clock's time, but never earlier than one
    microsecond after the latest registration in the database or of the object
    being written, so registration times of one object strictly increase even when
    the clock is frozen (tests) or steps back.
    """

    def __init__(
        self,
        conn: AsyncConnection,
        tables: RegistrationTables,
        actor: UUID,
        note: str | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self._conn = conn
        self._tables = tables
        self._actor = actor
        self._note = note
        self._clock = clock
        self._registration: Registration | None = None
        self._touched: set[tuple[str, UUID]] = set()

    @property
    def registration(self) -> Registration | None:
        """The registration written so far, or ``None`` if nothing was written."""
        return self._registration

    @property
    def tables(self) -> RegistrationTables:
        """The tables the registration is written to."""
        return self._tables

    @property
    def touched(self) -> frozenset[tuple[str, UUID]]:
        """The (model, uuid) pairs this transaction wrote."""
        return frozenset(self._touched)

    async def for_object(self, model: str, uuid: UUID, latest: datetime | None) -> Registration:
        """The registration to write object ``uuid`` with.

        ``latest`` is the newest registration time already on the object (read after
        the object was locked). An object this transaction already wrote may be
        written again: its rows from the first write close at the same time, as
        empty ``[T, T)`` registrations that no read ever sees.
        """
        if self._registration is None:
            await self.begin(latest)
        else:
            self.check({uuid: latest}, model)
        return await self.claim(model, [uuid])

    async def begin(self, latest: datetime | ColumnElement[Any] | None = None) -> Registration:
        """Create the transaction's registration (once; later calls return it).

        ``latest`` is the floor from the objects about to be written: a time, or a
        scalar SQL expression for it that is read together with the newest
        registration time in the database, in the same statement.
        """
        if self._registration is not None:
            return self._registration
        table = self._tables.registration
        newest: Any = func.max(table.c.time)
        if isinstance(latest, ColumnElement):
            row = (await self._conn.execute(select(newest.label("newest"), latest.label("latest")))).one()
            return await self.begin_after(row.newest, row.latest)
        return await self.begin_after(await self._conn.scalar(select(newest)), latest)

    async def begin_after(self, *floors: datetime | None) -> Registration:
        """``begin``, with the floors already read: the newest registration time in the
        database and on the objects about to be written (the caller read them, under
        their locks, in a statement of its own)."""
        if self._registration is not None:
            return self._registration
        table = self._tables.registration
        time = self._clock()
        for floor in floors:
            if floor is not None and time <= floor:
                time = floor + TICK
        row_id = await self._conn.scalar(
            insert(table).values(time=time, actor=self._actor, note=self._note).returning(table.c.id)
        )
        assert row_id is not None
        self._registration = Registration(row_id, time, self._actor, self._note)
        return self._registration

    def untouched(self, model: str, uuids: Collection[UUID]) -> list[UUID]:
        """The objects of ``uuids`` this transaction has not written yet."""
        return [uuid for uuid in uuids if (model, uuid) not in self._touched]

    def check(self, latest: Mapping[UUID, datetime | None], model: str) -> None:
        """Refuse objects registered (by another transaction) at or after this registration.

        ``latest``: each object's newest registration time, read under its lock.
        Objects this transaction wrote already are not checked.
        """
        registration = self._registration
        assert registration is not None, "check() needs begin() first"
        for uuid, time in latest.items():
            if (model, uuid) in self._touched or time is None or time < registration.time:
                continue
            raise WriteConflict(f"{model} {uuid} was registered at {time}, after this transaction began writing")

    async def claim(self, model: str, uuids: Collection[UUID]) -> Registration:
        """Record that the registration writes ``uuids`` (one executemany for all)."""
        registration = self._registration
        assert registration is not None, "claim() needs begin() first"
        new = list(dict.fromkeys(self.untouched(model, uuids)))
        if new:
            await insert_rows(
                self._conn,
                self._tables.registration_object,
                ("registration_id", "model", "uuid"),
                [(registration.id, model, uuid) for uuid in new],
            )
            self._touched.update((model, uuid) for uuid in new)
        return registration
