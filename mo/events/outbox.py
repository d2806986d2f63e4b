"""Emitting events inside the writing transaction.

An event is "object ``uuid`` of type ``routing_key`` may have changed". Emitting it
means, in the caller's transaction:

- one ``event_outbox`` row, which the relay publishes to AMQP and marks sent after
  the broker confirmed it (``publish``);
- one pending ``event`` per matching listener of the pull API, where a repeat for
  the same (listener, subject) collapses into the pending one and bumps its
  generation, so an acknowledgement of the older fetch cannot drop it (``deliver``).

Both commit or roll back with the write, so a committed change always has its
events and a rolled-back one has none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Insert, Select, bindparam, case, insert, literal, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal import Registration
from bitemporal.bulk import insert_rows
from bitemporal.keyed import KeyedStatement
from mo.db.tables import TABLES, event, event_listener, event_outbox, registrations
from mo.events import DEFAULT_PRIORITY, MO_NAMESPACE
from mo.model import MODELS, Field, Model

#: Object types that stand on their own: a change to one affects no other object.
STANDALONE = frozenset({"facet", "class", "org_unit", "person", "itsystem"})

#: The owners a "function" (engagement, address, manager, ...) belongs to: when the
#: function changes, the persons and units it names (before and after) are affected.
OWNERS = frozenset({"person", "org_unit"})

CHUNK = 500

Subject = tuple[str, UUID]
"""(routing key, uuid) of an object an event is about."""


def wall_clock() -> datetime:
    return datetime.now(UTC)


def related_fields(model: Model) -> tuple[Field, ...]:
    """The references whose targets a change to a ``model`` object also affects."""
    if model.name in STANDALONE:
        return ()
    return tuple(f for f in model.references if f.target in OWNERS)


def targets(value: Any) -> Iterator[UUID]:
    if value is None:
        return
    if isinstance(value, (list, tuple, set, frozenset)):
        yield from value
    else:
        yield value


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def affected(conn: AsyncConnection, registration: Registration, touched: Iterable[Subject]) -> list[Subject]:
    """The objects a registration wrote, plus the persons and units of the functions
    it wrote, as they were both before and after (rows it closed and rows it added)."""
    result: set[Subject] = set(touched)
    by_model: dict[str, list[UUID]] = defaultdict(list)
    for name, uuid in result:
        by_model[name].append(uuid)
    for name, uuids in by_model.items():
        model = MODELS.get(name)
        fields = related_fields(model) if model is not None else ()
        if not fields:
            continue
        t = TABLES[name]
        this_registration = or_(t.c.registration_id == registration.id, t.c.reg_to == registration.time)
        for chunk in chunks(sorted(uuids, key=str)):
            statement = select(*(t.c[f.name] for f in fields)).where(t.c.uuid.in_(chunk), this_registration).distinct()
            for row in await conn.execute(statement):
                for field, value in zip(fields, row, strict=True):
                    assert field.target is not None
                    result.update((field.target, target) for target in targets(value))
    return sorted(result, key=lambda s: (s[0], str(s[1])))


async def record_registration(
    conn: AsyncConnection, registration: Registration | None, touched: Iterable[Subject]
) -> int:
    """Emit the events of one writing transaction; call it when its writes are done.

    ``touched``: what the registration wrote, as its registrar recorded it (which
    is also its ``registration_object`` rows). The outbox rows are computed and
    inserted by the database in one statement (``publish_registration``); the
    subjects are read into Python only when a pull listener may want them.
    Returns the number of objects affected (0 when the transaction registered nothing).
    """
    if registration is None:
        return 0
    touched = list(touched)
    models = sorted({name for name, _ in touched})
    if any(related_list_fields(MODELS[name]) for name in models if name in MODELS):
        subjects = await affected(conn, registration, touched)
        await emit(conn, subjects, cause="registration", registration_id=registration.id)
        return len(subjects)
    now = wall_clock()
    count = await publish_registration(conn, registration, models, now=now)
    # Every routing key a subject can have; the subjects themselves are read only if heard.
    keys = set(models)
    for name in models:
        if name in MODELS:
            keys.update(f.target for f in related_fields(MODELS[name]) if f.target is not None)
    if await listening(conn, MO_NAMESPACE, sorted(keys)):
        subjects = await affected(conn, registration, touched)
        await deliver(conn, MO_NAMESPACE, [(key, str(uuid)) for key, uuid in subjects], now=now)
    return count


def related_list_fields(model: Model) -> list[str]:
    """The related fields of ``model`` that hold several uuids (not computed in SQL)."""
    return [f.name for f in related_fields(model) if f.name in model.list_fields]


async def publish_registration(
    conn: AsyncConnection, registration: Registration, models: Sequence[str], *, now: datetime
) -> int:
    """``publish`` the subjects ``affected`` finds, computed and inserted by one statement.

    The objects are the registration's ``registration_object`` rows; the persons
    and units of the functions among them are read from the rows the registration
    inserted or closed, as ``affected`` does. Rows go in the order ``affected``
    sorts them (routing key, then uuid). Returns the number of rows.
    """
    statement = _publish_statement(tuple(models), conn.dialect.name)
    values = {"registration_id": registration.id, "registration_time": registration.time, "now": now}
    return await statement.count(conn, values)


#: ``publish_registration``'s statement by the types written and the dialect's name.
_PUBLISH: dict[tuple[tuple[str, ...], str], KeyedStatement] = {}


def _publish_statement(models: tuple[str, ...], dialect: str) -> KeyedStatement:
    """The insert of a registration's events when it wrote objects of ``models`` (built once)."""
    found = _PUBLISH.get((models, dialect))
    if found is not None:
        return found
    obj = registrations.registration_object
    registration_id = bindparam("registration_id", type_=obj.c.registration_id.type)
    written = select(obj.c.model.label("routing_key"), obj.c.uuid.label("uuid"))
    parts: list[Select[Any]] = [written.where(obj.c.registration_id == registration_id)]
    for name in models:
        model = MODELS.get(name)
        fields = related_fields(model) if model is not None else ()
        if not fields:
            continue
        t = TABLES[name]
        wrote = select(obj.c.uuid).where(obj.c.registration_id == registration_id, obj.c.model == name)
        registration_time = bindparam("registration_time", type_=t.c.reg_to.type)
        # One pass over the rows for all the fields (a CTE used more than once is materialised).
        rows = (
            select(*(t.c[field.name] for field in fields))
            .where(
                t.c.uuid.in_(wrote.scalar_subquery()),
                or_(t.c.registration_id == registration_id, t.c.reg_to == registration_time),
            )
            .cte(f"{name}_rows")
        )
        for field in fields:
            assert field.target is not None
            column = rows.c[field.name]
            parts.append(select(literal(field.target, obj.c.model.type), column).where(column.is_not(None)))
    subjects = union(*parts).subquery("subjects") if len(parts) > 1 else parts[0].subquery("subjects")
    key: ColumnElement[Any] = subjects.c.routing_key
    if dialect == "postgresql":
        key = key.collate("C")  # Python's order of strings, whatever the database's collation
    statement = insert(event_outbox).from_select(
        ["routing_key", "uuid", "cause", "registration_id", "priority", "created_at", "failures"],
        select(
            subjects.c.routing_key,
            subjects.c.uuid,
            literal("registration", event_outbox.c.cause.type),
            registration_id,
            literal(DEFAULT_PRIORITY, event_outbox.c.priority.type),
            bindparam("now", type_=event_outbox.c.created_at.type),
            literal(0, event_outbox.c.failures.type),
        ).order_by(key, subjects.c.uuid),
    )
    found = _PUBLISH[(models, dialect)] = KeyedStatement(statement)
    return found


#: Whether a listener of a namespace listens to one of some routing keys.
_LISTENING = KeyedStatement(
    select(event_listener.c.uuid)
    .where(
        event_listener.c.namespace == bindparam("namespace"),
        event_listener.c.routing_key.in_(bindparam("keys", expanding=True)),
    )
    .limit(1)
)


async def listening(conn: AsyncConnection, namespace: str, keys: Sequence[str]) -> bool:
    """Whether any listener of ``namespace`` listens to one of ``keys``."""
    if not keys:
        return False
    return bool(await _LISTENING.execute(conn, {"namespace": namespace, "keys": list(keys)}))


async def emit(
    conn: AsyncConnection,
    subjects: Sequence[Subject],
    *,
    cause: str,
    registration_id: int | None = None,
    effective_day: date | None = None,
    priority: int = DEFAULT_PRIORITY,
    now: datetime | None = None,
) -> None:
    """Emit registry events to everyone: the AMQP outbox and every "mo" listener."""
    now = now or wall_clock()
    await publish(
        conn,
        subjects,
        cause=cause,
        registration_id=registration_id,
        effective_day=effective_day,
        priority=priority,
        now=now,
    )
    await deliver(conn, MO_NAMESPACE, [(key, str(uuid)) for key, uuid in subjects], priority=priority, now=now)


async def publish(
    conn: AsyncConnection,
    subjects: Sequence[Subject],
    *,
    cause: str,
    registration_id: int | None = None,
    effective_day: date | None = None,
    priority: int = DEFAULT_PRIORITY,
    exchange: str | None = None,
    now: datetime | None = None,
) -> None:
    """Add outbox rows for the relay (``exchange`` None: the configured exchange)."""
    if not subjects:
        return
    now = now or wall_clock()
    # The same for every row; nulls are left out (the columns default to null),
    # which saves binding them row by row.
    common = {
        name: value
        for name, value in (
            ("exchange", exchange),
            ("cause", cause),
            ("registration_id", registration_id),
            ("effective_day", effective_day),
            ("priority", priority),
            ("created_at", now),
            ("failures", 0),
        )
        if value is not None
    }
    columns = ("routing_key", "uuid", *common)
    shared = tuple(common.values())
    rows = [(key, uuid, *shared) for key, uuid in subjects]
    for chunk in chunks(rows):
        await insert_rows(conn, event_outbox, columns, chunk)


async def deliver(
    conn: AsyncConnection,
    namespace: str,
    subjects: Sequence[tuple[str, str]],
    *,
    priority: int = DEFAULT_PRIORITY,
    owner: UUID | None = None,
    listener: UUID | None = None,
    now: datetime | None = None,
) -> int:
    """Make (routing key, subject) pending for the matching listeners of ``namespace``.

    ``owner``/``listener`` narrow the listeners (refresh for one integration). One
    pending event per (listener, subject): a repeat takes the higher priority, resets
    the back-off and bumps the generation. Returns the number of listeners' events.
    """
    if not subjects:
        return 0
    now = now or wall_clock()
    keys = sorted({key for key, _ in subjects})
    query = select(event_listener.c.uuid, event_listener.c.routing_key).where(
        event_listener.c.namespace == namespace, event_listener.c.routing_key.in_(keys)
    )
    if owner is not None:
        query = query.where(event_listener.c.owner == owner)
    if listener is not None:
        query = query.where(event_listener.c.uuid == listener)
    listeners: dict[str, list[UUID]] = defaultdict(list)
    for row in await conn.execute(query):
        listeners[row.routing_key].append(row.uuid)
    if not listeners:
        return 0
    # Sorted, so concurrent writers lock pending events in one order (no deadlocks).
    pairs = sorted({(str(who), subject) for key, subject in subjects for who in listeners.get(key, ())})
    rows = [
        {
            "listener_uuid": UUID(who),
            "subject": subject,
            "priority": priority,
            "generation": 0,
            "fetched_count": 0,
            "next_try": None,
            "silenced": False,
            "created_at": now,
        }
        for who, subject in pairs
    ]
    for chunk in chunks(rows):
        await conn.execute(_upsert(conn, list(chunk)))
    return len(rows)


def on_conflict_insert(conn: AsyncConnection) -> Any:
    """``insert`` of the connection's dialect, the one with ``on_conflict_do_...``."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


def _upsert(conn: AsyncConnection, rows: list[dict[str, Any]]) -> Insert:
    statement = on_conflict_insert(conn)(event).values(rows)
    excluded = statement.excluded
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[event.c.listener_uuid, event.c.subject],
        set_={
            "generation": event.c.generation + 1,
            "fetched_count": 0,
            "next_try": None,
            "priority": case((excluded.priority < event.c.priority, excluded.priority), else_=event.c.priority),
        },
    )
