"""The pull side: namespaces, listeners, and fetching and acknowledging events.

OS2mo's event API, with the same semantics:

- The ``mo`` namespace is built in (the registry's own events, public); other
  namespaces belong to whoever declared them.
- A listener is (namespace, owner, user_key) -> routing_key; declaring it again is a
  no-op, declaring it with another routing key is refused.
- ``fetch`` hands out the listener's most urgent event (priority, then fewest
  attempts) that is neither silenced nor backing off, and pushes its next try out
  exponentially; concurrent fetchers skip each other's rows (``SKIP LOCKED``).
- ``acknowledge`` deletes the event only if its generation is still the fetched one:
  an event re-emitted after the fetch stays pending.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, delete, exists, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mo.db.engine import write_transaction
from mo.db.tables import event, event_listener, event_namespace
from mo.events import MO_NAMESPACE, MO_NAMESPACE_OWNER, ROUTING_KEYS
from mo.events.errors import Conflict, InvalidToken, NotOwner
from mo.events.outbox import deliver, on_conflict_insert
from mo.service.errors import HasDependents, InvalidInput, NotFound

Execute = Callable[[Any], Awaitable[Any]]

#: Back-off of fetched-but-unacknowledged events: 2**n seconds after the n-th
#: fetch, at least BACKOFF_MIN and at most BACKOFF_MAX (OS2mo's numbers).
BACKOFF_MIN = timedelta(minutes=3)
BACKOFF_MAX = timedelta(hours=17)

MAX_SUBJECT = 220
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$")


def backoff(fetches: int, low: timedelta = BACKOFF_MIN, high: timedelta = BACKOFF_MAX) -> timedelta:
    """How long an event rests after its ``fetches``-th fetch if nobody acknowledges it."""
    return min(high, max(low, timedelta(seconds=2 ** min(fetches, 32))))


@dataclass(frozen=True, slots=True)
class NamespaceRow:
    name: str
    owner: UUID
    public: bool


@dataclass(frozen=True, slots=True)
class ListenerRow:
    uuid: UUID
    namespace: str
    owner: UUID
    user_key: str
    routing_key: str


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    listener_uuid: UUID
    subject: str
    priority: int
    silenced: bool


@dataclass(frozen=True, slots=True)
class Fetched:
    subject: str
    priority: int
    token: Token


@dataclass(frozen=True, slots=True)
class Token:
    """What ``event_acknowledge`` needs: the event and the generation that was fetched."""

    id: int
    generation: int

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{self.id}.{self.generation}".encode()).decode()

    @classmethod
    def decode(cls, value: object) -> Token:
        if isinstance(value, Token):
            return value
        try:
            assert isinstance(value, str)
            event_id, generation = base64.urlsafe_b64decode(value.encode()).decode().split(".")
            return cls(int(event_id), int(generation))
        except (AssertionError, ValueError, UnicodeDecodeError, binascii.Error):
            raise InvalidToken(f"token: {value!r} is not a token from event_fetch", field="token") from None


BUILTIN = NamespaceRow(MO_NAMESPACE, MO_NAMESPACE_OWNER, True)


# Filters -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamespaceMatch:
    names: Sequence[str] | None = None
    owners: Sequence[UUID] | None = None
    public: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        t = event_namespace
        found: list[ColumnElement[bool]] = []
        if self.names is not None:
            found.append(t.c.name.in_(list(self.names)))
        if self.owners is not None:
            found.append(t.c.owner.in_(list(self.owners)))
        if self.public is not None:
            found.append(t.c.public == self.public)
        return found

    def matches(self, row: NamespaceRow) -> bool:
        return (
            (self.names is None or row.name in self.names)
            and (self.owners is None or row.owner in self.owners)
            and (self.public is None or row.public == self.public)
        )


@dataclass(frozen=True, slots=True)
class ListenerMatch:
    uuids: Sequence[UUID] | None = None
    user_keys: Sequence[str] | None = None
    owners: Sequence[UUID] | None = None
    routing_keys: Sequence[str] | None = None
    namespaces: NamespaceMatch | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        t = event_listener
        found: list[ColumnElement[bool]] = []
        for column, values in (
            (t.c.uuid, self.uuids),
            (t.c.user_key, self.user_keys),
            (t.c.owner, self.owners),
            (t.c.routing_key, self.routing_keys),
        ):
            if values is not None:
                found.append(column.in_(list(values)))
        if self.namespaces is not None:
            stored = t.c.namespace.in_(select(event_namespace.c.name).where(*self.namespaces.conditions()))
            found.append(or_(stored, t.c.namespace == MO_NAMESPACE) if self.namespaces.matches(BUILTIN) else stored)
        return found


@dataclass(frozen=True, slots=True)
class EventMatch:
    listeners: ListenerMatch | None = None
    subjects: Sequence[str] | None = None
    priorities: Sequence[int] | None = None
    silenced: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.listeners is not None:
            found.append(event.c.listener_uuid.in_(select(event_listener.c.uuid).where(*self.listeners.conditions())))
        if self.subjects is not None:
            found.append(event.c.subject.in_(list(self.subjects)))
        if self.priorities is not None:
            found.append(event.c.priority.in_(list(self.priorities)))
        if self.silenced is not None:
            found.append(event.c.silenced == self.silenced)
        return found


# Reads ---------------------------------------------------------------------------


async def namespaces(
    execute: Execute, match: NamespaceMatch, limit: int | None = None, after: str | None = None
) -> list[NamespaceRow]:
    t = event_namespace
    query = select(t).where(*match.conditions(), t.c.name != MO_NAMESPACE).order_by(t.c.name)
    if after is not None:
        query = query.where(t.c.name > after)
    if limit is not None:
        query = query.limit(limit)
    rows = [NamespaceRow(r.name, r.owner, r.public) for r in await execute(query)]
    if match.matches(BUILTIN) and (after is None or MO_NAMESPACE > after):
        rows.append(BUILTIN)
        rows.sort(key=lambda r: r.name)
    return rows[:limit] if limit is not None else rows


async def namespace(execute: Execute, name: str) -> NamespaceRow | None:
    if name == MO_NAMESPACE:
        return BUILTIN
    row = (await execute(select(event_namespace).where(event_namespace.c.name == name))).first()
    return None if row is None else NamespaceRow(row.name, row.owner, row.public)


async def listeners(
    execute: Execute, match: ListenerMatch, limit: int | None = None, after: UUID | None = None
) -> list[ListenerRow]:
    t = event_listener
    query = select(t).where(*match.conditions()).order_by(t.c.uuid)
    if after is not None:
        query = query.where(t.c.uuid > after)
    if limit is not None:
        query = query.limit(limit)
    return [_listener(r) for r in await execute(query)]


async def listener(execute: Execute, uuid: UUID) -> ListenerRow | None:
    row = (await execute(select(event_listener).where(event_listener.c.uuid == uuid))).first()
    return None if row is None else _listener(row)


def _listener(row: Any) -> ListenerRow:
    return ListenerRow(row.uuid, row.namespace, row.owner, row.user_key, row.routing_key)


async def events(
    execute: Execute, match: EventMatch, limit: int | None = None, after: int | None = None
) -> list[EventRow]:
    t = event
    query = select(t.c.id, t.c.listener_uuid, t.c.subject, t.c.priority, t.c.silenced).where(*match.conditions())
    if after is not None:
        query = query.where(t.c.id > after)
    query = query.order_by(t.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [EventRow(r.id, r.listener_uuid, r.subject, r.priority, r.silenced) for r in await execute(query)]


# Writes --------------------------------------------------------------------------


def _check_name(value: str, field: str) -> str:
    if not _NAME.match(value):
        raise InvalidInput(
            f"{field}: {value!r} is not a name: 1-255 letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
            field=field,
        )
    return value


async def declare_namespace(conn: AsyncConnection, owner: UUID, name: str, public: bool) -> NamespaceRow:
    """Create the namespace, or return it if ``owner`` already declared it alike."""
    _check_name(name, "name")
    t = event_namespace
    if name != MO_NAMESPACE:
        await conn.execute(_insert_ignore(conn, t, {"name": name, "owner": owner, "public": public}, ["name"]))
    found = await namespace(conn.execute, name)
    assert found is not None
    if found.owner != owner:
        raise Conflict(f"name: the namespace {name!r} belongs to another owner", field="name")
    if found.public != public:
        raise Conflict(f"public: the namespace {name!r} exists with public={str(found.public).lower()}", field="public")
    return found


async def delete_namespace(conn: AsyncConnection, owner: UUID, name: str) -> bool:
    found = await namespace(conn.execute, name)
    if found is None:
        raise NotFound(f"name: no namespace {name!r}", field="name")
    if found.owner != owner:
        raise NotOwner(f"name: the namespace {name!r} belongs to another owner", field="name")
    if await conn.scalar(select(exists().where(event_listener.c.namespace == name))):
        raise HasDependents(
            f"name: the namespace {name!r} still has listeners; delete them first (event_listener_delete)", field="name"
        )
    await conn.execute(delete(event_namespace).where(event_namespace.c.name == name))
    return True


async def declare_listener(
    conn: AsyncConnection, owner: UUID, namespace_name: str, user_key: str, routing_key: str
) -> ListenerRow:
    """Create the listener, or return the one ``owner`` declared before with this user key."""
    found = await namespace(conn.execute, namespace_name)
    if found is None:
        raise NotFound(f"namespace: no namespace {namespace_name!r}; declare it first", field="namespace")
    if not found.public and found.owner != owner:
        raise NotOwner(f"namespace: {namespace_name!r} is not public and belongs to another owner", field="namespace")
    if not user_key or len(user_key) > 255:
        raise InvalidInput("user_key: 1 to 255 characters", field="user_key")
    if namespace_name == MO_NAMESPACE and routing_key not in ROUTING_KEYS:
        raise InvalidInput(
            f"routing_key: the mo namespace has the routing keys {', '.join(ROUTING_KEYS)}; got {routing_key!r}",
            field="routing_key",
        )
    if not routing_key or len(routing_key) > 255:
        raise InvalidInput("routing_key: 1 to 255 characters", field="routing_key")
    t = event_listener
    values = {
        "uuid": uuid4(),
        "namespace": namespace_name,
        "owner": owner,
        "user_key": user_key,
        "routing_key": routing_key,
    }
    await conn.execute(_insert_ignore(conn, t, values, ["namespace", "owner", "user_key"]))
    row = (
        await conn.execute(
            select(t).where(t.c.namespace == namespace_name, t.c.owner == owner, t.c.user_key == user_key)
        )
    ).one()
    if row.routing_key != routing_key:
        raise Conflict(
            f"routing_key: your listener {user_key!r} in {namespace_name!r} listens to {row.routing_key!r}; "
            f"use another user_key to listen to {routing_key!r}",
            field="routing_key",
        )
    return _listener(row)


async def delete_listener(conn: AsyncConnection, owner: UUID, uuid: UUID, delete_pending: bool) -> bool:
    found = await listener(conn.execute, uuid)
    if found is None:
        raise NotFound(f"uuid: no listener {uuid}", field="uuid")
    if found.owner != owner:
        raise NotOwner(f"uuid: the listener {uuid} belongs to another owner", field="uuid")
    pending = await conn.scalar(select(func.count()).select_from(event).where(event.c.listener_uuid == uuid))
    if pending and not delete_pending:
        raise HasDependents(
            f"delete_pending_events: the listener has {pending} pending events; "
            "handle them first, or pass delete_pending_events: true",
            field="delete_pending_events",
        )
    await conn.execute(delete(event).where(event.c.listener_uuid == uuid))
    await conn.execute(delete(event_listener).where(event_listener.c.uuid == uuid))
    return True


async def fetch(
    engine: AsyncEngine,
    owner: UUID,
    listener_uuid: UUID,
    now: datetime,
    low: timedelta = BACKOFF_MIN,
    high: timedelta = BACKOFF_MAX,
) -> Fetched | None:
    """Hand out one event of the listener, in a transaction of its own.

    The claim commits at once, whatever the rest of the request does: an event that
    was handed out backs off until acknowledged or re-emitted.
    """
    async with write_transaction(engine) as conn:
        found = await listener(conn.execute, listener_uuid)
        if found is None:
            raise NotFound(f"filter.listener: no listener {listener_uuid}", field="filter.listener")
        if found.owner != owner:
            raise NotOwner(
                f"filter.listener: the listener {listener_uuid} belongs to another owner", field="filter.listener"
            )
        t = event
        query = (
            select(t.c.id, t.c.fetched_count)
            .where(
                t.c.listener_uuid == listener_uuid,
                t.c.silenced == false(),
                or_(t.c.next_try.is_(None), t.c.next_try <= now),
            )
            .order_by(t.c.priority, t.c.fetched_count, t.c.id)
            .limit(1)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        candidate = (await conn.execute(query)).first()
        if candidate is None:
            return None
        fetches = candidate.fetched_count + 1
        row = (
            await conn.execute(
                update(t)
                .where(t.c.id == candidate.id)
                .values(fetched_count=fetches, next_try=now + backoff(fetches, low, high))
                .returning(t.c.subject, t.c.priority, t.c.generation)
            )
        ).one()
        return Fetched(row.subject, row.priority, Token(candidate.id, row.generation))


async def acknowledge(conn: AsyncConnection, owner: UUID, token: Token) -> bool:
    """Drop the event if it is still the generation that was fetched; always True."""
    owned = select(event_listener.c.uuid).where(event_listener.c.owner == owner)
    await conn.execute(
        delete(event).where(
            event.c.id == token.id, event.c.generation == token.generation, event.c.listener_uuid.in_(owned)
        )
    )
    return True


async def send(
    conn: AsyncConnection, owner: UUID, namespace_name: str, routing_key: str, subject: str, priority: int
) -> bool:
    """Make an event pending for the listeners of one's own namespace."""
    check_priority(priority)
    if not subject or len(subject) > MAX_SUBJECT:
        raise InvalidInput(f"subject: 1 to {MAX_SUBJECT} characters; send an identifier, not data", field="subject")
    if not routing_key or len(routing_key) > 255:
        raise InvalidInput("routing_key: 1 to 255 characters", field="routing_key")
    found = await namespace(conn.execute, namespace_name)
    if found is None:
        raise NotFound(f"namespace: no namespace {namespace_name!r}", field="namespace")
    if found.owner != owner:
        raise NotOwner(f"namespace: only the owner of {namespace_name!r} can send events in it", field="namespace")
    await deliver(conn, namespace_name, [(routing_key, subject)], priority=priority)
    return True


def check_priority(priority: int) -> None:
    if priority < 1:
        raise InvalidInput(
            f"priority: 1 is the highest priority, larger numbers are lower; got {priority}", field="priority"
        )


async def set_silenced(conn: AsyncConnection, match: EventMatch, silenced: bool) -> int:
    result = await conn.execute(update(event).where(*match.conditions()).values(silenced=silenced))
    return int(result.rowcount or 0)


async def rerun(conn: AsyncConnection, match: EventMatch) -> int:
    """Let matching events be fetched at once again: forget their back-off."""
    result = await conn.execute(
        update(event).where(*match.conditions(), event.c.silenced == false()).values(fetched_count=0, next_try=None)
    )
    return int(result.rowcount or 0)


def _insert_ignore(conn: AsyncConnection, table: Any, values: dict[str, Any], keys: list[str]) -> Any:
    insert = on_conflict_insert(conn)
    return insert(table).values(values).on_conflict_do_nothing(index_elements=[table.c[k] for k in keys])
