"""Registrations: one timestamp, actor and note per writing transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import MetaData, Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

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
        registration = self._registration
        mine = (model, uuid) in self._touched
        if registration is None:
            registration = await self._begin(latest)
        elif not mine and latest is not None and latest >= registration.time:
            raise WriteConflict(f"{model} {uuid} was registered at {latest}, after this transaction began writing")
        if not mine:
            await self._conn.execute(
                insert(self._tables.registration_object).values(
                    registration_id=registration.id, model=model, uuid=uuid
                )
            )
            self._touched.add((model, uuid))
        return registration

    async def _begin(self, latest: datetime | None) -> Registration:
        table = self._tables.registration
        newest = await self._conn.scalar(select(func.max(table.c.time)))
        time = self._clock()
        for floor in (newest, latest):
            if floor is not None and time <= floor:
                time = floor + TICK
        row_id = await self._conn.scalar(
            insert(table).values(time=time, actor=self._actor, note=self._note).returning(table.c.id)
        )
        assert row_id is not None
        self._registration = Registration(row_id, time, self._actor, self._note)
        return self._registration
