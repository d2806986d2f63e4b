"""Dataloaders: one SQL statement per model and relation level, whatever the fan-out.

Keys carry the window they are read through. A batch is answered with one query
per registration time (in practice one), over the union of the keys' windows, and
each key then takes the rows that overlap its own window.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any, Awaitable, Callable, Sequence
from uuid import UUID

from sqlalchemy import Table, select
from strawberry.dataloader import DataLoader

from bitemporal import Interval, overlapping, registered_at
from mo.db.tables import TABLES
from mo.graphapi.records import Record
from mo.graphapi.window import Window
from mo.model import MODELS

Execute = Callable[[Any], Awaitable[Any]]
VersionKey = tuple[UUID, Window]
ReverseKey = tuple[UUID, Window]


def _span(windows: Sequence[Window]) -> Interval:
    return Interval(min(w.interval.start for w in windows), max(w.interval.end for w in windows))


def _by_registration_time(keys: Sequence[tuple[Any, Window]]) -> dict[datetime | None, list[tuple[Any, Window]]]:
    groups: dict[datetime | None, list[tuple[Any, Window]]] = defaultdict(list)
    for key in keys:
        groups[key[1].registration_time].append(key)
    return groups


class Loaders:
    """The dataloaders of one request."""

    def __init__(self, execute: Execute) -> None:
        self._execute = execute
        self._versions: dict[str, DataLoader[VersionKey, list[Record]]] = {}
        self._reverse: dict[tuple[str, str], DataLoader[ReverseKey, list[UUID]]] = {}

    def versions(self, model: str) -> DataLoader[VersionKey, list[Record]]:
        """(uuid, window) -> the object's versions overlapping the window, by start."""
        loader = self._versions.get(model)
        if loader is None:
            loader = DataLoader(load_fn=lambda keys: self._load_versions(model, keys))
            self._versions[model] = loader
        return loader

    def reverse(self, model: str, field: str) -> DataLoader[ReverseKey, list[UUID]]:
        """(target uuid, window) -> uuids of ``model`` objects whose ``field`` is the target."""
        loader = self._reverse.get((model, field))
        if loader is None:
            loader = DataLoader(load_fn=lambda keys: self._load_reverse(model, field, keys))
            self._reverse[(model, field)] = loader
        return loader

    async def _load_versions(self, model: str, keys: Sequence[VersionKey]) -> list[list[Record]]:
        table: Table = TABLES[model]
        fields = MODELS[model].field_names
        found: dict[VersionKey, list[Record]] = {key: [] for key in keys}
        for registration_time, group in _by_registration_time(keys).items():
            uuids = list({uuid for uuid, _ in group})
            windows = [window for _, window in group]
            rows = await self._execute(
                select(table)
                .where(
                    table.c.uuid.in_(uuids),
                    registered_at(table, registration_time),
                    overlapping(table, _span(windows)),
                )
                .order_by(table.c.uuid, table.c.valid_from)
            )
            wanted: dict[UUID, list[Window]] = defaultdict(list)
            for uuid, window in group:
                wanted[uuid].append(window)
            for row in rows:
                m = row._mapping
                interval = Interval(m["valid_from"], m["valid_to"])
                values = {name: m[name] for name in fields}
                for window in wanted[m["uuid"]]:
                    if interval.overlaps(window.interval):
                        found[(m["uuid"], window)].append(Record(m["uuid"], values, interval, window))
        return [found[key] for key in keys]

    async def _load_reverse(self, model: str, field: str, keys: Sequence[ReverseKey]) -> list[list[UUID]]:
        table: Table = TABLES[model]
        column = table.c[field]
        found: dict[ReverseKey, dict[UUID, None]] = {key: {} for key in keys}
        for registration_time, group in _by_registration_time(keys).items():
            targets = list({target for target, _ in group})
            rows = await self._execute(
                select(table.c.uuid, column, table.c.valid_from, table.c.valid_to)
                .where(
                    column.in_(targets),
                    registered_at(table, registration_time),
                    overlapping(table, _span([w for _, w in group])),
                )
                .order_by(table.c.uuid)
            )
            wanted: dict[UUID, list[Window]] = defaultdict(list)
            for target, window in group:
                wanted[target].append(window)
            for row in rows:
                interval = Interval(row.valid_from, row.valid_to)
                target = row._mapping[field]
                for window in wanted[target]:
                    if interval.overlaps(window.interval):
                        found[(target, window)][row.uuid] = None
        return [list(found[key]) for key in keys]
