"""Hand-written writes for the baselines: the same versions and rules, set-based.

``update_from`` does what ``mo.service.writes.update`` does for an update over
``[start, infinity)``, for many objects at once: lock them, read their current
versions, split and coalesce, check the references of the new versions, close
the replaced rows and insert the new ones under one registration. Statements per
batch, not per object.

Like every write of the service, it also writes the transaction's change events:
one ``event_outbox`` row per object it wrote and per person and unit those
objects name in the rows it closed or inserted (``RELATED``), the rows the relay
publishes (see ``mo.events.outbox``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from bench.raw import Raw
from bitemporal.store import lock_key
from mo.db.tables import TABLES
from mo.events import DEFAULT_PRIORITY

Row = tuple[Any, ...]
Check = Callable[[Raw, list[dict[str, Any]]], None]
TICK = timedelta(microseconds=1)
RELATED: dict[str, dict[str, str]] = {"engagement": {"person_uuid": "person", "org_unit_uuid": "org_unit"}}
"""The persons and units a change to an object also affects, by the columns that name them."""


class RuleBroken(RuntimeError):
    pass


def _begin(raw: Raw) -> None:
    raw.execute("BEGIN" if raw.pg else "BEGIN IMMEDIATE")


def _registration(raw: Raw, now: datetime, actor: UUID, note: str | None) -> tuple[int, Any]:
    newest = raw.rows("SELECT max(time) FROM registration")[0][0]
    moment = now.astimezone(UTC)
    if newest is not None:
        floor = newest if raw.pg else datetime.fromisoformat(newest).replace(tzinfo=UTC)
        if moment <= floor:
            moment = floor + TICK
    stamp = raw.p_time(moment)
    [(reg_id,)] = raw.rows(
        "INSERT INTO registration (time, actor, note) VALUES (:t, :a, :n) RETURNING id",
        {"t": stamp, "a": raw.p_uuid(actor), "n": note},
    )
    return int(reg_id), stamp


def _split(versions: list[dict[str, Any]], start: Any, changes: dict[str, Any]) -> list[dict[str, Any]]:
    """The versions after laying ``changes`` over ``[start, inf)``, coalesced; kept ones keep their ``id``."""
    result: list[dict[str, Any]] = []
    for v in versions:
        if v["valid_to"] <= start:
            result.append(v)
        elif v["valid_from"] < start:
            result.append({**v, "id": None, "valid_to": start})
            result.append({**v, **changes, "id": None, "valid_from": start})
        else:
            changed = {**v, **changes}
            result.append(v if changed == v else {**changed, "id": None})
    merged: list[dict[str, Any]] = []
    for v in result:
        last = merged[-1] if merged else None
        if last is not None and last["valid_to"] == v["valid_from"] and _same(last, v):
            merged[-1] = {**last, "id": None, "valid_to": v["valid_to"]}
        else:
            merged.append(v)
    originals = {_key(v): v["id"] for v in versions}
    return [{**v, "id": originals.get(_key(v))} if v["id"] is None else v for v in merged]


def _key(v: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((k, str(x)) for k, x in v.items() if k != "id"))


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    skip = ("id", "valid_from", "valid_to")
    return all(a[k] == b[k] for k in a if k not in skip)


def update_from(
    raw: Raw,
    model: str,
    changes: dict[Any, dict[str, Any]],
    start: date,
    *,
    now: datetime,
    actor: UUID,
    check: Check,
    note: str | None = None,
) -> None:
    """Lay ``changes[uuid]`` over ``[start, inf)`` of each object, in one transaction."""
    table = TABLES[model]
    fields = [c.name for c in table.columns if c.name not in ("id", "registration_id", "reg_from", "reg_to")]
    uuids = list(changes)
    _begin(raw)
    try:
        if raw.pg:
            keys = sorted(lock_key(model, u if isinstance(u, UUID) else UUID(u)) for u in uuids)
            raw.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(:keys::bigint[]) AS k", {"keys": keys})
        condition, params = raw.in_("u", uuids)
        quoted = ", ".join(f'"{f}"' for f in fields)
        rows = raw.rows(
            f'SELECT id, {quoted} FROM "{model}" WHERE uuid {condition} AND reg_to IS NULL ORDER BY uuid, valid_from',
            params,
        )
        current: dict[Any, list[dict[str, Any]]] = {}
        for row in rows:
            version = dict(zip(("id", *fields), row, strict=False))
            current.setdefault(version["uuid"], []).append(version)
        if len(current) != len(uuids):
            raise RuleBroken(f"{len(uuids) - len(current)} of the {model} objects do not exist")
        start_value = raw.p_date(start)
        closed: list[int] = []
        inserted: list[dict[str, Any]] = []
        for uuid, versions in current.items():
            new = _split(versions, start_value, changes[uuid])
            kept = {v["id"] for v in new if v["id"] is not None}
            closed.extend(v["id"] for v in versions if v["id"] not in kept)
            inserted.extend(v for v in new if v["id"] is None)
        check(raw, inserted)
        reg_id, stamp = _registration(raw, now, actor, note)
        if closed:
            condition, params = raw.in_("c", closed)
            raw.execute(f'UPDATE "{model}" SET reg_to = :t WHERE id {condition}', {**params, "t": stamp})
        columns = [*fields, "registration_id", "reg_from", "reg_to"]
        values = [tuple(v[f] for f in fields) + (reg_id, stamp, None) for v in inserted]
        objects = [(reg_id, model, u) for u in current]
        closed_ids = set(closed)
        closed_rows = [v for versions in current.values() for v in versions if v["id"] in closed_ids]
        subjects = {(model, u) for u in current}
        for column, target in RELATED.get(model, {}).items():
            subjects.update((target, v[column]) for v in (*closed_rows, *inserted) if v[column] is not None)
        created = raw.p_time(datetime.now(UTC))
        events = [
            (key, u, "registration", reg_id, DEFAULT_PRIORITY, created, 0)
            for key, u in sorted(subjects, key=lambda s: (s[0], str(s[1])))
        ]
        outbox = "event_outbox (routing_key, uuid, cause, registration_id, priority, created_at, failures)"
        if raw.pg:
            cursor = raw.conn.cursor()
            with cursor.copy(f'COPY "{model}" ({", ".join(repr_column(c) for c in columns)}) FROM STDIN') as copy:
                for value in values:
                    copy.write_row(value)
            with cursor.copy("COPY registration_object (registration_id, model, uuid) FROM STDIN") as copy:
                for value in objects:
                    copy.write_row(value)
            with cursor.copy(f"COPY {outbox} FROM STDIN") as copy:
                for value in events:
                    copy.write_row(value)
        else:
            marks = ", ".join("?" for _ in columns)
            raw.conn.executemany(
                f'INSERT INTO "{model}" ({", ".join(repr_column(c) for c in columns)}) VALUES ({marks})', values
            )
            raw.conn.executemany(
                "INSERT INTO registration_object (registration_id, model, uuid) VALUES (?, ?, ?)", objects
            )
            raw.conn.executemany(f"INSERT INTO {outbox} VALUES (?, ?, ?, ?, ?, ?, ?)", events)
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise


def repr_column(name: str) -> str:
    return f'"{name}"'


def covered(day_from: Any, day_to: Any, spans: Sequence[tuple[Any, Any]]) -> bool:
    reached = day_from
    for lo, hi in sorted(spans):
        if lo > reached:
            return False
        if hi > reached:
            reached = hi
        if reached >= day_to:
            return True
    return reached >= day_to


def spans_of(raw: Raw, model: str, uuids: set[Any]) -> dict[Any, list[tuple[Any, Any]]]:
    if not uuids:
        return {}
    condition, params = raw.in_("u", list(uuids))
    found: dict[Any, list[tuple[Any, Any]]] = {u: [] for u in uuids}
    for uuid, lo, hi in raw.rows(
        f'SELECT uuid, valid_from, valid_to FROM "{model}" WHERE uuid {condition} AND reg_to IS NULL', params
    ):
        found[uuid].append((lo, hi))
    return found


def require_existing(raw: Raw, model: str, uuids: set[Any]) -> None:
    missing = [u for u, spans in spans_of(raw, model, uuids).items() if not spans]
    if missing:
        raise RuleBroken(f"no {model} {missing[0]}")


def require_cover(raw: Raw, model: str, versions: list[dict[str, Any]], column: str) -> None:
    spans = spans_of(raw, model, {v[column] for v in versions if v[column] is not None})
    for v in versions:
        target = v[column]
        if target is not None and not covered(v["valid_from"], v["valid_to"], spans[target]):
            raise RuleBroken(f"{column}: {model} {target} is not valid over [{v['valid_from']}, {v['valid_to']})")


def check_engagements(raw: Raw, versions: list[dict[str, Any]]) -> None:
    """The rules an engagement's new versions must meet (as ``mo.service.rules``)."""
    require_cover(raw, "person", versions, "person_uuid")
    require_cover(raw, "org_unit", versions, "org_unit_uuid")
    classes = {v[c] for v in versions for c in ("engagement_type_uuid", "job_function_uuid", "primary_uuid")}
    require_existing(raw, "class", classes - {None})


def check_units(raw: Raw, versions: list[dict[str, Any]]) -> None:
    """A unit's new versions: the parent covers them and is not below the unit; classes exist."""
    require_cover(raw, "org_unit", versions, "parent_uuid")
    columns = ("unit_type_uuid", "org_unit_level_uuid", "org_unit_hierarchy_uuid", "time_planning_uuid")
    require_existing(raw, "class", {v[c] for v in versions for c in columns} - {None})
    for v in versions:
        if v["parent_uuid"] is None:
            continue
        below = raw.rows(
            """
            WITH RECURSIVE tree(uuid) AS (
                SELECT uuid FROM org_unit WHERE parent_uuid = :root AND reg_to IS NULL
                  AND valid_from < :hi AND valid_to > :lo
                UNION
                SELECT c.uuid FROM org_unit c JOIN tree ON c.parent_uuid = tree.uuid
                WHERE c.reg_to IS NULL AND c.valid_from < :hi AND c.valid_to > :lo
            )
            SELECT 1 FROM tree WHERE uuid = :parent LIMIT 1
            """,
            {"root": v["uuid"], "parent": v["parent_uuid"], "lo": v["valid_from"], "hi": v["valid_to"]},
        )
        if below or v["parent_uuid"] == v["uuid"]:
            raise RuleBroken(f"parent: {v['parent_uuid']} is below {v['uuid']}")
