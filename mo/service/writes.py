"""The four writes every object type has: create, update, terminate, delete.

Each comes in a bulk form (``create_many``, ``update_many``, ...) for many items of
one object type in one transaction; the one-object form is its N=1 case, so there
is one implementation. A bulk write locks all its objects, reads their current
versions and the validity of everything the new versions refer to, with a
constant number of statements; then, item by item in the given order (several
items may change one object), computes the new versions with
``bitemporal.versions`` and checks the rules; finally it registers the difference
with one statement per kind of row (``VersionedTable.replace_many``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID, uuid4

from bitemporal import NEG_INF, Interval, NoVersions, Version, diff, merge, versions
from mo.db.tables import VERSIONED
from mo.model import Model, Ref
from mo.security.cpr import lookup_hash
from mo.service.context import WriteContext
from mo.service.errors import AlreadyExists, HasDependents, InvalidInput, InvalidInterval, MOError, NotFound
from mo.service.rules import (
    Spans,
    check_cached_references,
    check_cpr_unique,
    check_required,
    check_spans,
    check_unit_parent,
    dependents,
    prefetch_spans,
    reference_spans,
    referring,
    removed_days,
)

Check = Callable[[WriteContext, UUID, Sequence[Version]], Awaitable[None]]

#: Rules of one object type beyond what its declaration implies.
CHECKS: dict[str, tuple[Check, ...]] = {
    "org_unit": (check_unit_parent,),
    "person": (check_cpr_unique,),
}

#: Types whose rules read other objects of the same type from the database (the
#: unit tree, CPR numbers): their bulk writes register item by item, so that each
#: item's rules see the items before it. With an owner-scoped caller, owner rows
#: too (the scope is read from them).
SEQUENTIAL = frozenset({"org_unit", "person"})
SEQUENTIAL_IF_SCOPED = frozenset({"owner"})

Item = tuple[UUID, Interval, Mapping[str, Any]]
"""One item of a bulk create or update: (uuid, validity, values)."""

Compute = Callable[[UUID, list[Version]], list[Version]]
"""One item's write: the object's versions before it -> after it."""


async def create(
    ctx: WriteContext, model: Model, uuid: UUID | None, interval: Interval, values: Mapping[str, Any]
) -> UUID:
    """Create an object over ``interval``; repeating an identical create is a no-op."""
    return (await create_many(ctx, model, [(uuid, interval, values)]))[0]


async def update(ctx: WriteContext, model: Model, uuid: UUID, interval: Interval, changes: Mapping[str, Any]) -> UUID:
    """Lay ``changes`` over ``interval``; see ``bitemporal.versions.update``."""
    return (await update_many(ctx, model, [(uuid, interval, changes)]))[0]


async def terminate(
    ctx: WriteContext, model: Model, uuid: UUID, interval: Interval, *, vacate: bool = False
) -> UUID:
    """End the object's validity over ``interval`` (usually ``[to, infinity)``).

    ``vacate`` (persons): manager roles the person held are left vacant over the
    interval instead of ended with them.
    """
    return (await terminate_many(ctx, model, [(uuid, interval)], vacate=vacate))[0]


async def delete(ctx: WriteContext, model: Model, uuid: UUID) -> UUID:
    """Close every current registration of the object; its history stays readable."""
    return (await delete_many(ctx, model, [uuid]))[0]


async def create_many(
    ctx: WriteContext, model: Model, items: Sequence[tuple[UUID | None, Interval, Mapping[str, Any]]]
) -> list[UUID]:
    """Create objects (``uuid`` None: a new one); returns their uuids in item order."""
    _check_inputs(model, [(interval, values) for _, interval, values in items])
    uuids = [uuid or uuid4() for uuid, _, _ in items]

    def step(interval: Interval, values: Mapping[str, Any]) -> Compute:
        def compute(uuid: UUID, old: list[Version]) -> list[Version]:
            complete = normalise(model, {f.name: values.get(f.name, f.default) for f in model.fields})
            if complete.get("user_key") is None:
                complete["user_key"] = str(uuid)
            new = versions.create(interval, complete)
            if not old or old == new:
                return new if not old else old
            raise AlreadyExists(
                f"uuid: a {model.title} with uuid {uuid} already exists with other values; use update", field="uuid"
            )

        return compute

    await _apply(
        ctx, model, [(uuid, step(interval, values)) for uuid, (_, interval, values) in zip(uuids, items, strict=True)]
    )
    return uuids


async def update_many(ctx: WriteContext, model: Model, items: Sequence[Item]) -> list[UUID]:
    """Lay each item's changes over its interval, in item order."""
    _check_inputs(model, [(interval, changes) for _, interval, changes in items])

    def step(interval: Interval, changes: Mapping[str, Any]) -> Compute:
        def compute(uuid: UUID, old: list[Version]) -> list[Version]:
            _must_exist(model, uuid, old)
            try:
                return versions.update(old, interval, normalise(model, changes))
            except NoVersions:  # pragma: no cover - _must_exist already refused
                raise NotFound(f"uuid: no {model.title} with uuid {uuid}", field="uuid") from None

        return compute

    await _apply(ctx, model, [(uuid, step(interval, changes)) for uuid, interval, changes in items])
    return [uuid for uuid, _, _ in items]


async def terminate_many(
    ctx: WriteContext, model: Model, items: Sequence[tuple[UUID, Interval]], *, vacate: bool = False
) -> list[UUID]:
    """End each object's validity over its interval; see ``terminate``."""

    def step(interval: Interval) -> Compute:
        def compute(uuid: UUID, old: list[Version]) -> list[Version]:
            _must_exist(model, uuid, old)
            return versions.terminate(old, interval)

        return compute

    await _apply(ctx, model, [(uuid, step(interval)) for uuid, interval in items], removes=True, vacate=vacate)
    return [uuid for uuid, _ in items]


async def delete_many(ctx: WriteContext, model: Model, uuids: Sequence[UUID]) -> list[UUID]:
    """Delete objects; see ``delete``."""

    def compute(uuid: UUID, old: list[Version]) -> list[Version]:
        _must_exist(model, uuid, old)
        return []

    await _apply(ctx, model, [(uuid, compute) for uuid in uuids], removes=True)
    return list(uuids)


@dataclass(slots=True)
class _Step:
    index: int
    uuid: UUID
    before: list[Version]
    after: list[Version]


async def _apply(
    ctx: WriteContext,
    model: Model,
    items: Sequence[tuple[UUID, Compute]],
    *,
    removes: bool = False,
    vacate: bool = False,
    offset: int = 0,
) -> None:
    """Compute, check and register ``items`` (see the module's docstring).

    ``removes``: the items may take days away from objects (terminate, delete), so
    objects that need those days are ended or the write refused (``_release``);
    creates and updates only ever add days.
    """
    if len(items) > 1 and _sequential(ctx, model):
        for index, item in enumerate(items):
            await _apply(ctx, model, [item], removes=removes, vacate=vacate, offset=offset + index)
        return
    table = VERSIONED[model.name]
    uuids = list(dict.fromkeys(uuid for uuid, _ in items))
    await table.lock_many(ctx.conn, uuids)
    original = await table.current_many(ctx.conn, uuids)
    state = dict(original)
    steps: list[_Step] = []
    for index, (uuid, compute) in enumerate(items, offset):
        before = state[uuid]
        with at_item(index):
            after = compute(uuid, before)
        if after is not before:
            steps.append(_Step(index, uuid, before, after))
            state[uuid] = after
    if not steps:
        return
    changes = [(step, *diff(step.before, step.after)) for step in steps]
    new_versions = [v for _, _, inserted in changes for v in inserted]
    spans = reference_spans(model, new_versions)
    await prefetch_spans(ctx, spans)
    checked = _all_valid(ctx, model, new_versions, spans)
    steps_of: dict[UUID, int] = {}
    for step in steps:
        steps_of[step.uuid] = steps_of.get(step.uuid, 0) + 1
    released: list[tuple[int, UUID, Interval]] = []
    for step, closed, inserted in changes:
        with at_item(step.index):
            if ctx.guard is not None:
                await ctx.guard(ctx, model, step.uuid, closed, inserted)
            if not checked:
                check_required(model, inserted)
            for check in CHECKS.get(model.name, ()):
                await check(ctx, step.uuid, inserted)
            if not checked:
                check_cached_references(ctx, model, inserted)
        if removes:
            released.extend((step.index, step.uuid, window) for window in removed_days(step.before, step.after))
        # Later items (and the cascades below) see the object as this item leaves it.
        ctx.validity[(model.name, step.uuid)] = merge(v.interval for v in step.after)
    for index, uuid, window in released:
        with at_item(index):
            await _release(ctx, model, uuid, window, vacate=vacate)
    # An object written by one item: that item's diff is the object's.
    final = {step.uuid: (step.uuid, closed, inserted) for step, closed, inserted in changes if steps_of[step.uuid] == 1}
    diffs = [final.get(uuid) or (uuid, *diff(original[uuid], state[uuid])) for uuid in uuids]
    await table.register_many(ctx.conn, ctx.registrar, diffs)


def _all_valid(ctx: WriteContext, model: Model, versions: Sequence[Version], spans: Spans) -> bool:
    """Whether every new version of a bulk write passes ``check_required`` and
    ``check_cached_references``, checked for all of them at once (``spans``: their
    ``reference_spans``).

    Item by item, those checks look at each item's new versions; a rule that holds
    for every day of every version holds for each item's, so when this says yes
    the per-item checks can be skipped. When it says no, they run item by item and
    find the first item that breaks a rule, with that item's error. Only where
    nothing else the per-item loop does can change what they see: no guard and no
    model-specific check runs between them, and no reference points at the
    model's own objects (whose validity the loop updates item by item).
    """
    if ctx.guard is not None or model.name in CHECKS or any(f.target == model.name for f in model.references):
        return False
    try:
        check_required(model, versions)
        check_spans(ctx, model, spans)
    except MOError:
        return False
    return True


def _sequential(ctx: WriteContext, model: Model) -> bool:
    return model.name in SEQUENTIAL or (ctx.guard is not None and model.name in SEQUENTIAL_IF_SCOPED)


def at_item(index: int) -> AtItem:
    """Say which item of a bulk write an error is about (the first to say it wins)."""
    return AtItem(index)


class AtItem:
    """``at_item``'s context manager: entered once or twice per item of a bulk write,
    so a plain class rather than a generator-based one."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> Literal[False]:
        if isinstance(error, MOError) and error.index is None:
            error.index = self.index
        return False


def _check_inputs(model: Model, items: Sequence[tuple[Interval, Mapping[str, Any]]]) -> None:
    """What can be refused before anything is read: unknown fields, a missing start."""
    for index, (interval, values) in enumerate(items):
        with at_item(index):
            check_fields(model, values)
            if not model.open_validity and interval.start == NEG_INF:
                raise InvalidInterval(f"validity.from: a {model.title} needs a start date", field="validity.from")


def _must_exist(model: Model, uuid: UUID, old: list[Version]) -> None:
    if not old:
        raise NotFound(f"uuid: no {model.title} with uuid {uuid}", field="uuid")


async def _locked(ctx: WriteContext, model: Model, uuid: UUID) -> list[Version]:
    table = VERSIONED[model.name]
    await table.lock(ctx.conn, uuid)
    return await table.current(ctx.conn, uuid)


def check_fields(model: Model, values: Mapping[str, Any]) -> None:
    settable = {f.name for f in model.fields if not f.derived}
    unknown = sorted(set(values) - settable)
    if unknown:
        raise InvalidInput(f"{unknown[0]}: a {model.title} has no such field", field=unknown[0])


def normalise(model: Model, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values in their stored form: uuid sets as sorted tuples."""
    result = dict(values)
    if "cpr_number" in result and any(f.name == "cpr_hash" for f in model.fields):
        number = result["cpr_number"]
        result["cpr_hash"] = None if number is None else lookup_hash(number)
    for name in model.list_fields:
        if result.get(name) is not None:
            result[name] = tuple(sorted({UUID(str(u)) for u in result[name]}, key=str))
    return result


async def _release(ctx: WriteContext, model: Model, uuid: UUID, window: Interval, *, vacate: bool = False) -> None:
    """Objects that need ``uuid`` on days it loses: end them, or refuse."""
    for other, field in dependents(model):
        found = await referring(ctx, other, field, uuid, window)
        if not found:
            continue
        if vacate and other.name == "manager" and field.name == "person_uuid":
            for dependent in found:
                await _vacate(ctx, other, dependent, window)
            continue
        if field.ref is Ref.CASCADE:
            for dependent in found:
                await terminate(ctx, other, dependent, window)
            continue
        listed = ", ".join(str(u) for u in found[:5]) + (" ..." if len(found) > 5 else "")
        raise HasDependents(
            f"the {model.title} {uuid} still has {other.title}s on days in {window} ({listed}); "
            f"end or move them first",
            field="uuid",
        )


async def _vacate(ctx: WriteContext, model: Model, uuid: UUID, window: Interval) -> None:
    """Clear the person of a manager role on the days of ``window`` it exists."""
    for version in await _locked(ctx, model, uuid):
        inside = version.interval.intersect(window)
        if inside is not None:
            await update(ctx, model, uuid, inside, {"person_uuid": None})
