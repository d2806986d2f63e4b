"""Rules that tie objects together in time, checked in the writing transaction."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Integer, and_, bindparam, literal_column, select, union_all

from bitemporal import Interval, Version, covered, merge, overlapping, registered_at
from bitemporal.keyed import KeyedStatement
from mo.db.tables import TABLES
from mo.model import MODELS, Field, Model, Ref
from mo.security.cpr import lookup_hash
from mo.service.context import WriteContext
from mo.service.cpr import parse_cpr
from mo.service.errors import CPRInUse, InvalidCPR, NotFound, OutsideValidity, RequiredField, UnitCycle

#: Objects per statement when reading the validity of many (below SQLite's and
#: psycopg's limits on bound parameters).
CHUNK = 5000


def check_required(model: Model, versions: Sequence[Version]) -> None:
    for name in _required(model):
        if any(v.values.get(name) is None for v in versions):
            raise RequiredField(f"{model.title} needs {name} in every period of its validity", field=name)


#: Per model (by identity; the entry keeps the model alive, so its id is not reused):
#: what ``Model``'s properties would compute again for every item of a bulk write.
_REQUIRED: dict[int, tuple[Model, tuple[str, ...]]] = {}
_REFERENCES: dict[int, tuple[Model, tuple[Field, ...]]] = {}


def _required(model: Model) -> tuple[str, ...]:
    entry = _REQUIRED.get(id(model))
    if entry is None or entry[0] is not model:
        entry = _REQUIRED[id(model)] = (model, tuple(f.name for f in model.fields if f.required))
    return entry[1]


def _references(model: Model) -> tuple[Field, ...]:
    entry = _REFERENCES.get(id(model))
    if entry is None or entry[0] is not model:
        entry = _REFERENCES[id(model)] = (model, model.references)
    return entry[1]


async def check_references(ctx: WriteContext, model: Model, versions: Sequence[Version]) -> None:
    """Every referenced object exists; for COVER/CASCADE it is valid all along."""
    await prefetch_references(ctx, model, versions)
    check_cached_references(ctx, model, versions)


def check_cached_references(ctx: WriteContext, model: Model, versions: Sequence[Version]) -> None:
    """``check_references`` once ``prefetch_references`` has read what ``versions`` refer to."""
    check_spans(ctx, model, reference_spans(model, versions))


Spans = list[tuple[Field, dict[UUID, list[Interval]]]]
"""Per reference field of a model (that any version sets): each target and the
intervals of the versions that refer to it, in the order the versions name them."""


def reference_spans(model: Model, versions: Sequence[Version]) -> Spans:
    """What ``versions`` refer to, and over which intervals (see ``Spans``)."""
    result: Spans = []
    for field in _references(model):
        name = field.name
        # New versions share their values' objects (with the versions they came from,
        # with the request's input): group by object first, hashing each uuid once.
        by_object: dict[int, tuple[object, list[Interval]]] = {}
        for version in versions:
            value = version.values.get(name)
            if value is None:
                continue
            entry = by_object.get(id(value))
            if entry is None:
                by_object[id(value)] = (value, [version.interval])
            else:
                entry[1].append(version.interval)
        spans: dict[UUID, list[Interval]] = {}
        for value, intervals in by_object.values():
            for target in _targets(value):
                known = spans.get(target)
                if known is None:
                    spans[target] = list(intervals)
                else:
                    known.extend(intervals)
        if spans:
            result.append((field, spans))
    return result


def check_spans(ctx: WriteContext, model: Model, spans: Spans) -> None:
    """``check_cached_references`` of versions whose ``reference_spans`` are ``spans``."""
    for field, targets in spans:
        for target, intervals in targets.items():
            _check_target(ctx, model, field, target, intervals)


async def prefetch_references(ctx: WriteContext, model: Model, versions: Sequence[Version]) -> None:
    """Read the validity of every object ``versions`` refer to that is not cached yet.

    One statement for all referenced types, however many versions and targets: a
    bulk write calls it once for all its items, so their ``check_references`` find
    everything in the cache.
    """
    await prefetch_spans(ctx, reference_spans(model, versions))


async def prefetch_spans(ctx: WriteContext, spans: Spans) -> None:
    """``prefetch_references`` of versions whose ``reference_spans`` are ``spans``."""
    wanted: dict[str, set[UUID]] = {}
    validity = ctx.validity
    for field, targets in spans:
        model = field.target
        assert model is not None
        missing = [target for target in targets if (model, target) not in validity]
        if missing:
            wanted.setdefault(model, set()).update(missing)
    if wanted:
        await read_validities(ctx, wanted)


def _targets(value: object) -> Sequence[UUID]:
    if value is None:
        return ()
    if isinstance(value, UUID):
        return (value,)
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, UUID) else UUID(str(v)) for v in value]
    return (UUID(str(value)),)


def _check_target(ctx: WriteContext, model: Model, field: Field, target: UUID, intervals: list[Interval]) -> None:
    assert field.target is not None
    valid = ctx.validity[(field.target, target)]
    if not valid:
        target_model = MODELS[field.target]
        raise NotFound(f"{field.name}: no {target_model.title} with uuid {target}", field=field.name)
    if field.ref is Ref.EXISTS:
        return
    for interval in merge(intervals) if len(intervals) > 1 else intervals:
        # Usually one period of the target holds the whole interval; else the union must.
        if not any(v.start <= interval.start and interval.end <= v.end for v in valid) and not covered(interval, valid):
            target_model = MODELS[field.target]
            raise OutsideValidity(
                f"{field.name}: the {target_model.title} {target} is not valid over all of {interval}, "
                f"which the {model.title} needs; it is valid over {', '.join(str(i) for i in merge(valid))}",
                field=field.name,
            )


async def current_validity(ctx: WriteContext, model: str, uuid: UUID) -> list[Interval]:
    """The days ``uuid`` is valid on, as currently registered (cached per transaction)."""
    cached = ctx.validity.get((model, uuid))
    if cached is None:
        await read_validity(ctx, model, [uuid])
        cached = ctx.validity[(model, uuid)]
    return cached


async def read_validity(ctx: WriteContext, model: str, uuids: Iterable[UUID]) -> None:
    """Cache the current validity of ``uuids`` (empty for unknown ones)."""
    await read_validities(ctx, {model: set(uuids)})


async def read_validities(ctx: WriteContext, wanted: Mapping[str, Collection[UUID]]) -> None:
    """Cache the current validity of objects of several types, in one statement.

    ``wanted``: uuids by type; unknown ones are cached as valid on no day. The
    types are read with one ``UNION ALL`` (more statements only past ``CHUNK``
    objects).
    """
    found: dict[tuple[str, UUID], list[Interval]] = {
        (model, uuid): [] for model, uuids in wanted.items() for uuid in uuids
    }
    keys = list(found)
    intervals: dict[tuple[Any, Any], Interval] = {}
    for start in range(0, len(keys), CHUNK):
        by_model: dict[str, list[UUID]] = {}
        for model, uuid in keys[start : start + CHUNK]:
            by_model.setdefault(model, []).append(uuid)
        models = tuple(sorted(by_model))
        values = {f"uuids_{index}": by_model[model] for index, model in enumerate(models)}
        for index, uuid, first, last in await _validities(models).execute(ctx.conn, values):
            interval = intervals.get((first, last))
            if interval is None:
                interval = intervals[(first, last)] = Interval(first, last)
            found[(models[index], uuid)].append(interval)
    for key, periods in found.items():
        ctx.validity[key] = merge(periods) if len(periods) > 1 else periods


#: The statement that reads the current validity of objects of some types (by the types).
_VALIDITIES: dict[tuple[str, ...], KeyedStatement] = {}


def _validities(models: tuple[str, ...]) -> KeyedStatement:
    """``read_validities``' statement for objects of ``models``: rows of
    (the type's index in ``models``, uuid, valid_from, valid_to)."""
    statement = _VALIDITIES.get(models)
    if statement is None:
        parts = []
        for index, model in enumerate(models):
            t = TABLES[model]
            which = literal_column(str(index), Integer).label("model")
            parts.append(
                select(which, t.c.uuid, t.c.valid_from, t.c.valid_to).where(
                    t.c.uuid.in_(bindparam(f"uuids_{index}", expanding=True)), registered_at(t, None)
                )
            )
        statement = _VALIDITIES[models] = KeyedStatement(parts[0] if len(parts) == 1 else union_all(*parts))
    return statement


def dependents(model: Model) -> list[tuple[Model, Field]]:
    """The (model, field) pairs whose references to ``model`` restrict or cascade."""
    return [
        (other, field)
        for other in MODELS.values()
        for field in other.references
        if field.target == model.name and field.ref in (Ref.COVER, Ref.CASCADE)
    ]


async def referring(ctx: WriteContext, other: Model, field: Field, target: UUID, removed: Interval) -> list[UUID]:
    """Objects of ``other`` whose ``field`` points at ``target`` on a day of ``removed``."""
    t = TABLES[other.name]
    rows = await ctx.conn.execute(
        select(t.c.uuid)
        .where(t.c[field.name] == target, registered_at(t, None), overlapping(t, removed))
        .distinct()
    )
    return [row.uuid for row in rows]


async def check_unit_parent(ctx: WriteContext, uuid: UUID, versions: Sequence[Version]) -> None:
    """A unit cannot be placed below itself or below one of its descendants."""
    for version in versions:
        parent = version.values.get("parent_uuid")
        if parent is None:
            continue
        if parent == uuid or parent in await descendants(ctx, uuid, version.interval):
            raise UnitCycle(
                f"parent: the unit {parent} is {uuid} itself or below it during {version.interval}; "
                "a unit cannot be moved below its own descendant",
                field="parent",
            )


async def descendants(ctx: WriteContext, root: UUID, window: Interval) -> set[UUID]:
    """Every unit below ``root`` at some day of ``window`` (current registration)."""
    t = TABLES["org_unit"]
    live = and_(registered_at(t, None), overlapping(t, window))
    tree = select(t.c.uuid).where(t.c.parent_uuid == root, live).cte("tree", recursive=True)
    child = t.alias("child")
    child_live = and_(
        child.c.reg_to.is_(None), child.c.valid_from < window.end, child.c.valid_to > window.start
    )
    tree = tree.union(select(child.c.uuid).join(tree, child.c.parent_uuid == tree.c.uuid).where(child_live))
    return set((await ctx.conn.scalars(select(tree.c.uuid))).all())


async def check_cpr_unique(ctx: WriteContext, uuid: UUID, versions: Sequence[Version]) -> None:
    """CPR numbers are well-formed (see mo.service.cpr) and no other person has them."""
    numbers: set[str] = {number for v in versions if (number := v.values.get("cpr_number")) is not None}
    for number in numbers:
        if parse_cpr(number) != number:
            raise InvalidCPR("cpr_number: store CPR numbers as ten digits", field="cpr_number")
    t = TABLES["person"]
    for number in numbers:
        other = await ctx.conn.scalar(
            select(t.c.uuid)
            .where(t.c.cpr_hash == lookup_hash(number), t.c.uuid != uuid, registered_at(t, None))
            .limit(1)
        )
        if other is not None:
            raise CPRInUse(f"cpr_number: another person ({other}) already has this CPR number", field="cpr_number")


def removed_days(old: Sequence[Version], new: Sequence[Version]) -> list[Interval]:
    """The days the object was valid on before a write and is not after it."""
    after = [v.interval for v in new]
    removed: list[Interval] = []
    for interval in merge(v.interval for v in old):
        removed.extend(_minus_all(interval, after))
    return removed


def _minus_all(interval: Interval, others: list[Interval]) -> list[Interval]:
    parts = [interval]
    for other in others:
        parts = [piece for part in parts for piece in part.minus(other)]
    return parts

