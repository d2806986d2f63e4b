"""Dataloaders: one SQL statement per model and relation level, whatever the fan-out.

Keys carry the window they are read through. A batch is answered with one query
per registration time (in practice one), over the union of the keys' windows, and
each key then takes the rows that overlap its own window.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Table,
    Text,
    TypeDecorator,
    Uuid,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    type_coerce,
)

from bitemporal import Interval, overlapping, registered_at
from mo.db.direct import Prepared
from mo.db.tables import TABLES, registrations
from mo.db.uuid_arrays import UuidArray
from mo.graphapi.ancestors import AncestorKey, Ancestry, load_ancestries
from mo.graphapi.records import Record, Sealed
from mo.graphapi.window import Window, span_of
from mo.model import MODELS

Execute = Callable[[Any, dict[str, Any]], Awaitable[Any]]
VersionKey = tuple[UUID, Window]
ReverseKey = tuple[UUID, Window]


R = TypeVar("R")


def _by_registration_time(
    keys: Sequence[tuple[Any, Window]], results: list[R]
) -> dict[datetime | None, list[tuple[tuple[Any, Window], R]]]:
    """The keys (each with its result) grouped by the registration time they read at."""
    groups: dict[datetime | None, list[tuple[tuple[Any, Window], R]]] = defaultdict(list)
    for key, result in zip(keys, results, strict=True):
        groups[key[1].registration_time].append((key, result))
    return groups


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
MISSING: Any = object()


def _flat_key(key: tuple[UUID, Window]) -> Hashable:
    """A (uuid, window) key as a tuple of ints, dates and a datetime: hashed in C.

    A uuid's and a window's hashes are Python-level calls, and a 10k page hashes
    its keys some 300k times."""
    uuid, window = key
    interval = window.interval
    return (uuid.int, interval.start, interval.end, window.registration_time)


class Loader(Generic[K, V]):
    """A request-scoped batching cache: keys asked for in the same turn of the event
    loop are fetched together, and every answer is kept for the rest of the request.

    Unlike a future-per-key dataloader it can be asked synchronously (``peek``), so
    a resolver whose data a prefetch already read answers without awaiting. Keys
    are (uuid, window) pairs, held internally in their ``_flat_key`` form.
    """

    __slots__ = ("_fetch", "_values", "_inflight", "_queued", "_queued_future")

    def __init__(self, fetch: Callable[[list[K]], Awaitable[Sequence[V]]]) -> None:
        self._fetch = fetch
        self._values: dict[Hashable, V] = {}
        self._inflight: dict[Hashable, asyncio.Future[None]] = {}
        self._queued: dict[Hashable, K] = {}
        self._queued_future: asyncio.Future[None] | None = None

    def peek(self, key: K) -> V:
        """The cached value of ``key``, or ``MISSING``."""
        return self._values.get(_flat_key(key), MISSING)  # type: ignore[arg-type]

    def _next_batch(self) -> asyncio.Future[None]:
        if self._queued_future is None:
            loop = asyncio.get_running_loop()
            self._queued_future = loop.create_future()
            loop.call_soon(self._dispatch)
        return self._queued_future

    def _dispatch(self) -> None:
        queued, future = self._queued, self._queued_future
        self._queued, self._queued_future = {}, None
        assert future is not None
        asyncio.get_running_loop().create_task(self._run(list(queued), list(queued.values()), future))

    async def _run(self, flat: list[Hashable], keys: list[K], future: asyncio.Future[None]) -> None:
        inflight = self._inflight
        try:
            values = await self._fetch(keys)
        except BaseException as error:  # noqa: BLE001 - handed to every waiter
            for key in flat:
                inflight.pop(key, None)
            future.set_exception(error)
            return
        self._values.update(zip(flat, values, strict=True))
        for key in flat:
            del inflight[key]
        future.set_result(None)

    async def load(self, key: K) -> V:
        return (await self.load_many((key,)))[0]

    async def load_many(self, keys: Iterable[K]) -> list[V]:
        keys = list(keys)
        flat = [_flat_key(key) for key in keys]  # type: ignore[arg-type]
        values, inflight = self._values, self._inflight
        missing = [(f, key) for f, key in zip(flat, keys, strict=True) if f not in values]
        if missing:
            waits: dict[int, asyncio.Future[None]] = {}
            queued = self._queued
            for f, key in missing:
                future = inflight.get(f)
                if future is None:
                    future = inflight[f] = self._next_batch()
                    queued[f] = key
                waits[id(future)] = future
            await asyncio.gather(*waits.values())
        return [values[f] for f in flat]

    def pending(self, keys: Iterable[K]) -> list[asyncio.Future[None]]:
        """The batches queued or running that will answer any of ``keys``."""
        inflight = self._inflight
        futures = {id(f): f for f in (inflight.get(_flat_key(key)) for key in keys) if f is not None}  # type: ignore[arg-type]
        return list(futures.values())

    def prime(self, key: K, value: V) -> None:
        """Hold ``value`` for ``key``, unless a value is held already."""
        self._values.setdefault(_flat_key(key), value)  # type: ignore[arg-type]

    def clear(self) -> None:
        self._values.clear()


def bounds(table: Table, at_registration_time: bool) -> list[ColumnElement[bool]]:
    """The time conditions of a batch, with the registration time and span as parameters."""
    registration = bindparam("rt", type_=table.c.reg_from.type) if at_registration_time else None
    start, end = bindparam("start", type_=table.c.valid_to.type), bindparam("end", type_=table.c.valid_from.type)
    span = SimpleNamespace(start=start, end=end)
    return [registered_at(table, registration), overlapping(table, span)]  # type: ignore[arg-type]


def in_list(column: Any, name: str, array: bool) -> ColumnElement[bool]:
    """``column`` is one of the list parameter ``name``, in one statement text
    whatever the list's length: an array parameter on PostgreSQL (not
    ``CAST(:text AS uuid[])``: PostgreSQL then parses the array again for every
    row it compares), a JSON array on SQLite, ``IN (SELECT value FROM
    json_each(:name))``, which SQLite answers through the same index as a list of
    parameters, a few microseconds slower."""
    if array:
        uuids = isinstance(column.type, Uuid)
        return column == any_(bindparam(name, type_=UuidArray() if uuids else ARRAY(column.type)))
    values = select(literal_column("value")).select_from(func.json_each(bindparam(name, type_=JsonList(column.type))))
    return column.in_(values)


class JsonList(TypeDecorator[list[Any]]):
    """A list bound as a JSON array of its items as ``item_type`` binds them."""

    impl = Text
    cache_ok = True

    def __init__(self, item_type: Any) -> None:
        super().__init__()
        self.item_type = item_type

    def bind_processor(self, dialect: Any) -> Any:
        item = self.item_type._cached_bind_processor(dialect)
        dumps = json.dumps

        def process(value: Any) -> Any:
            if value is None:
                return None
            return dumps(list(value) if item is None else [item(one) for one in value])

        return process


def value_columns(model: str, fields: tuple[str, ...], table: Any = None) -> list[ColumnElement[Any]]:
    """The columns of ``fields`` of ``model``'s table (or of ``table``, an alias of
    it), secret ones as stored (ciphertext, for ``Sealed``: decrypted only when shown)."""
    table = TABLES[model] if table is None else table
    secret = MODELS[model].secret_fields
    return [type_coerce(table.c[name], Text()).label(name) if name in secret else table.c[name] for name in fields]


class _Versions:
    """Turns a versions statement's rows into their parts, for ``Record``s: versions of
    many objects share their bounds, so one (immutable) ``Interval`` per pair."""

    __slots__ = ("fields", "secret", "intervals")

    def __init__(self, model: str, fields: tuple[str, ...]) -> None:
        self.fields = fields
        self.secret = [name for name in MODELS[model].secret_fields if name in fields]
        self.intervals: dict[tuple[Any, Any], Interval] = {}

    def parts(self, start: Any, end: Any, values: Sequence[Any]) -> tuple[Interval, dict[str, Any]]:
        """The interval ``[start, end)`` and the values of ``fields`` (``values``, in their order)."""
        interval = self.intervals.get((start, end))
        if interval is None:
            interval = self.intervals[(start, end)] = Interval(start, end)
        named = dict(zip(self.fields, values, strict=False))
        for name in self.secret:
            if named[name] is not None:
                named[name] = Sealed(named[name])
        return interval, named


def _kept_fields(model: str, columns: frozenset[str] | None) -> tuple[str, ...]:
    """The fields of ``model`` that ``columns`` keeps, in the model's order (None: all)."""
    every = MODELS[model].field_names
    return every if columns is None else tuple(name for name in every if name in columns)


@cache
def _versions_statement(model: str, fields: tuple[str, ...], at_registration_time: bool, array: bool) -> Prepared:
    """Versions of ``:uuids`` with the columns ``fields`` (built once per model and
    fields: building a statement costs more than running it), run on the driver
    connection (``mo.db.direct``)."""
    table = TABLES[model]
    statement = (
        select(table.c.uuid, table.c.valid_from, table.c.valid_to, *value_columns(model, fields))
        .where(in_list(table.c.uuid, "uuids", array), *bounds(table, at_registration_time))
        .order_by(table.c.uuid, table.c.valid_from)
    )
    return Prepared(statement, batch="uuids")


@cache
def _reverse_statement(model: str, field: str, at_registration_time: bool, array: bool) -> Prepared:
    """Objects of ``model`` whose ``field`` is one of ``:targets``."""
    table = TABLES[model]
    column = table.c[field]
    statement = (
        select(table.c.uuid, column, table.c.valid_from, table.c.valid_to)
        .where(in_list(column, "targets", array), *bounds(table, at_registration_time))
        .order_by(table.c.uuid)
    )
    return Prepared(statement, batch="targets")


@cache
def _referring_statement(
    model: str, field: str, fields: tuple[str, ...], at_registration_time: bool, array: bool
) -> Prepared:
    """The versions, with the columns ``fields``, of the objects of ``model`` whose
    ``field`` is one of ``:targets`` in some version in the span: the reverse
    lookup and the versions of what it finds in one statement. Each row also
    holds its own ``field`` (fourth), to tell which target it refers to."""
    table = TABLES[model]
    referring = table.alias("referring")
    found = select(referring.c.uuid).where(
        in_list(referring.c[field], "targets", array), *bounds(referring, at_registration_time)  # type: ignore[arg-type]
    )
    statement = (
        select(
            table.c.uuid,
            table.c.valid_from,
            table.c.valid_to,
            table.c[field].label("referring_to"),
            *value_columns(model, fields),
        )
        .where(table.c.uuid.in_(found), *bounds(table, at_registration_time))
        .order_by(table.c.uuid, table.c.valid_from)
    )
    return Prepared(statement, batch="targets")


@cache
def _registrations_statement(array: bool) -> Prepared:
    """The registrations of ``:model`` objects in ``:uuids``: (uuid, id, time, actor, note), by uuid and time."""
    reg, obj = registrations.registration, registrations.registration_object
    statement = (
        select(obj.c.uuid, reg.c.id, reg.c.time, reg.c.actor, reg.c.note)
        .join_from(obj, reg, obj.c.registration_id == reg.c.id)
        .where(obj.c.model == bindparam("model"), in_list(obj.c.uuid, "uuids", array))
        .order_by(obj.c.uuid, reg.c.time)
    )
    return Prepared(statement, batch="uuids")


ALL_TIME = Window(Interval(), None)
"""The window of a registrations key: registrations are not versions and have no validity."""

#: (registration id, time, actor, note)
RegistrationRow = tuple[int, datetime, UUID, str | None]


class Loaders:
    """The dataloaders of one request."""

    def __init__(self, execute: Execute, dialect: str = "sqlite") -> None:
        self._execute = execute
        self._arrays = dialect == "postgresql"
        #: by model and the columns asked for (None: all); see ``versions``
        self._versions: dict[tuple[str, frozenset[str] | None], Loader[VersionKey, list[Record]]] = {}
        #: by model and the model's fields those columns keep, so that equal prunings share a loader
        self._pruned: dict[tuple[str, tuple[str, ...]], Loader[VersionKey, list[Record]]] = {}
        self._reverse: dict[tuple[str, str], Loader[ReverseKey, list[UUID]]] = {}
        self._referring: dict[tuple[str, str, frozenset[str] | None], Loader[ReverseKey, list[UUID]]] = {}
        self._registrations: dict[str, Loader[tuple[UUID, Window], list[RegistrationRow]]] = {}
        #: What a listing's prefetch resolved, for its completion: field node id -> parent -> value
        #: (see mo.graphapi.fast); it refers to loaded versions, so it is forgotten with them.
        self.resolved: dict[int, dict[Any, Any]] = {}
        #: (unit uuid, window) -> the versions of the unit and every unit above it
        self.ancestors: Loader[AncestorKey, Ancestry] = Loader(
            lambda keys: load_ancestries(self._execute, dialect, keys)  # type: ignore[arg-type]
        )

    def clear(self) -> None:
        """Forget everything read so far: after a write in the same request, or at its end."""
        for loader in (
            *self._pruned.values(),
            *self._reverse.values(),
            *self._referring.values(),
            *self._registrations.values(),
            self.ancestors,
        ):
            loader.clear()
        self.resolved.clear()

    def versions(self, model: str, columns: frozenset[str] | None = None) -> Loader[VersionKey, list[Record]]:
        """(uuid, window) -> the object's versions overlapping the window, by start.

        With ``columns``, the versions hold only those of the model's fields (the
        others are not read): for a selection known to show no more, see
        ``mo.graphapi.fast.prefetch``. Such versions come from a loader of their own,
        so code that asks without ``columns`` always gets whole versions.
        """
        loader = self._versions.get((model, columns))
        if loader is None:
            fields = _kept_fields(model, columns)
            loader = self._pruned.get((model, fields))
            if loader is None:
                loader = Loader(lambda keys: self._load_versions(model, fields, keys))
                self._pruned[(model, fields)] = loader
            self._versions[(model, columns)] = loader
        return loader

    def reverse(self, model: str, field: str) -> Loader[ReverseKey, list[UUID]]:
        """(target uuid, window) -> uuids of ``model`` objects whose ``field`` is the target."""
        loader = self._reverse.get((model, field))
        if loader is None:
            loader = Loader(lambda keys: self._load_reverse(model, field, keys))
            self._reverse[(model, field)] = loader
        return loader

    def referring(
        self, model: str, field: str, columns: frozenset[str] | None = None
    ) -> Loader[ReverseKey, list[UUID]]:
        """As ``reverse``, and with the same statement the versions of what it finds,
        each in its key's window, into ``versions(model, columns)``: a relation
        level that lists the referring objects' versions costs one statement."""
        loader = self._referring.get((model, field, columns))
        if loader is None:
            reverse, versions = self.reverse(model, field), self.versions(model, columns)
            fields = _kept_fields(model, columns)

            def fetch(keys: list[ReverseKey]) -> Awaitable[list[list[UUID]]]:
                return self._load_referring(model, field, fields, keys, reverse, versions)

            loader = self._referring[(model, field, columns)] = Loader(fetch)
        return loader

    def registrations(self, model: str) -> Loader[tuple[UUID, Window], list[RegistrationRow]]:
        """(uuid, ``ALL_TIME``) -> the object's registrations, oldest first."""
        loader = self._registrations.get(model)
        if loader is None:
            loader = self._registrations[model] = Loader(lambda keys: self._load_registrations(model, keys))
        return loader

    async def _load_registrations(
        self, model: str, keys: Sequence[tuple[UUID, Window]]
    ) -> list[list[RegistrationRow]]:
        uuids = {uuid.int: uuid for uuid, _ in keys}
        found: dict[int, list[RegistrationRow]] = {number: [] for number in uuids}
        rows = await self._execute(
            _registrations_statement(self._arrays), {"model": model, "uuids": list(uuids.values())}
        )
        for uuid, *registration in rows:
            found[uuid.int].append(tuple(registration))  # type: ignore[arg-type]
        return [found[uuid.int] for uuid, _ in keys]

    async def _load_versions(
        self, model: str, fields: tuple[str, ...], keys: Sequence[VersionKey]
    ) -> list[list[Record]]:
        results: list[list[Record]] = [[] for _ in keys]
        for registration_time, group in _by_registration_time(keys, results).items():
            # keyed by the uuid's int: hashed in C
            wanted: dict[int, list[tuple[Interval, Window, list[Record]]]] = defaultdict(list)
            uuids: dict[int, UUID] = {}
            for (uuid, window), result in group:
                wanted[uuid.int].append((window.interval, window, result))
                uuids[uuid.int] = uuid
            span = span_of([window for (_, window), _ in group])
            at = registration_time is not None
            rows = await self._execute(
                _versions_statement(model, fields, at, self._arrays),
                {"uuids": list(uuids.values()), "rt": registration_time, "start": span.start, "end": span.end},
            )
            parts = _Versions(model, fields).parts
            for row in rows:
                uuid, start, end = row[0], row[1], row[2]
                interval, values = parts(start, end, row[3:])
                for other, window, result in wanted[uuid.int]:
                    if start < other.end and other.start < end:
                        result.append(Record(uuid, values, interval, window))
        return results

    async def _load_reverse(self, model: str, field: str, keys: Sequence[ReverseKey]) -> list[list[UUID]]:
        # Keys that a ``referring`` batch read or is reading are taken from it (it primes them).
        referring = [loader for (m, f, _), loader in self._referring.items() if (m, f) == (model, field)]
        if not referring:
            return await self._fetch_reverse(model, field, keys)
        waits = [future for loader in referring for future in loader.pending(keys)]
        if waits:
            await asyncio.gather(*waits, return_exceptions=True)
        reverse = self._reverse[(model, field)]
        known = [reverse.peek(key) for key in keys]
        missing = [key for key, value in zip(keys, known, strict=True) if value is MISSING]
        fetched = iter(await self._fetch_reverse(model, field, missing) if missing else ())
        return [next(fetched) if value is MISSING else value for value in known]

    async def _fetch_reverse(self, model: str, field: str, keys: Sequence[ReverseKey]) -> list[list[UUID]]:
        # keyed by the uuids' ints: hashed in C
        results: list[dict[int, UUID]] = [{} for _ in keys]
        for registration_time, group in _by_registration_time(keys, results).items():
            wanted: dict[int, list[tuple[Interval, dict[int, UUID]]]] = defaultdict(list)
            targets: dict[int, UUID] = {}
            for (target, window), result in group:
                wanted[target.int].append((window.interval, result))
                targets[target.int] = target
            span = span_of([window for (_, window), _ in group])
            at = registration_time is not None
            rows = await self._execute(
                _reverse_statement(model, field, at, self._arrays),
                {"targets": list(targets.values()), "rt": registration_time, "start": span.start, "end": span.end},
            )
            for uuid, target, start, end in rows:
                for other, result in wanted[target.int]:
                    if start < other.end and other.start < end:
                        result[uuid.int] = uuid
        return [list(result.values()) for result in results]

    async def _load_referring(
        self,
        model: str,
        field: str,
        fields: tuple[str, ...],
        keys: Sequence[ReverseKey],
        reverse: Loader[ReverseKey, list[UUID]],
        versions: Loader[VersionKey, list[Record]],
    ) -> list[list[UUID]]:
        # per key, by uuid int: each referring object and its versions in the key's window
        results: list[dict[int, tuple[UUID, list[Record]]]] = [{} for _ in keys]
        for registration_time, group in _by_registration_time(keys, results).items():
            wanted: dict[int, list[tuple[Interval, Window, dict[int, tuple[UUID, list[Record]]]]]] = defaultdict(list)
            targets: dict[int, UUID] = {}
            for (target, window), result in group:
                wanted[target.int].append((window.interval, window, result))
                targets[target.int] = target
            span = span_of([window for (_, window), _ in group])
            rows = await self._execute(
                _referring_statement(model, field, fields, registration_time is not None, self._arrays),
                {"targets": list(targets.values()), "rt": registration_time, "start": span.start, "end": span.end},
            )
            # first which keys find each object (a version referring to the key's target in its window) ...
            found_by: dict[int, list[tuple[Interval, Window, list[Record]]]] = defaultdict(list)
            parts = _Versions(model, fields).parts
            parsed: list[tuple[UUID, Interval, dict[str, Any]]] = []
            for row in rows:
                uuid, start, end, target = row[0], row[1], row[2], row[3]
                interval, values = parts(start, end, row[4:])
                parsed.append((uuid, interval, values))
                if target is None:
                    continue
                for other, window, result in wanted.get(target.int, ()):
                    if start < other.end and other.start < end and uuid.int not in result:
                        records: list[Record] = []
                        result[uuid.int] = (uuid, records)
                        found_by[uuid.int].append((other, window, records))
            # ... then its versions overlapping each such key's window (the rows come by uuid, then start)
            for uuid, interval, values in parsed:
                for other, window, records in found_by.get(uuid.int, ()):
                    if interval.start < other.end and other.start < interval.end:
                        records.append(Record(uuid, values, interval, window))
        answers: list[list[UUID]] = []
        for key, result in zip(keys, results, strict=True):
            window = key[1]
            for uuid, records in result.values():
                versions.prime((uuid, window), records)
            uuids = [uuid for uuid, _ in result.values()]
            reverse.prime(key, uuids)
            answers.append(uuids)
        return answers
