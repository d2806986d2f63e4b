"""The four writes every object type has: create, update, terminate, delete.

Each one locks the object, reads its current versions, computes the new ones with
``bitemporal.versions``, checks the rules, and registers the difference.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Mapping, Sequence
from uuid import UUID, uuid4

from bitemporal import NEG_INF, Interval, NoVersions, Version, diff, versions
from mo.db.tables import VERSIONED
from mo.model import Model, Ref
from mo.security.cpr import lookup_hash
from mo.service.context import WriteContext
from mo.service.errors import AlreadyExists, HasDependents, InvalidInput, InvalidInterval, NotFound
from mo.service.rules import (
    check_cpr_unique,
    check_references,
    check_required,
    check_unit_parent,
    dependents,
    referring,
    removed_days,
)

Check = Callable[[WriteContext, UUID, Sequence[Version]], Awaitable[None]]

#: Rules of one object type beyond what its declaration implies.
CHECKS: dict[str, tuple[Check, ...]] = {
    "org_unit": (check_unit_parent,),
    "person": (check_cpr_unique,),
}


async def create(
    ctx: WriteContext, model: Model, uuid: UUID | None, interval: Interval, values: Mapping[str, Any]
) -> UUID:
    """Create an object over ``interval``; repeating an identical create is a no-op."""
    uuid = uuid or uuid4()
    check_fields(model, values)
    if not model.open_validity and interval.start == NEG_INF:
        raise InvalidInterval(f"validity.from: a {model.title} needs a start date", field="validity.from")
    complete = normalise(model, {f.name: values.get(f.name, f.default) for f in model.fields})
    if complete.get("user_key") is None:
        complete["user_key"] = str(uuid)
    new = versions.create(interval, complete)
    old = await _locked(ctx, model, uuid)
    if old:
        if old == new:
            return uuid
        raise AlreadyExists(
            f"uuid: a {model.title} with uuid {uuid} already exists with other values; use update", field="uuid"
        )
    await _register(ctx, model, uuid, old, new)
    return uuid


async def update(ctx: WriteContext, model: Model, uuid: UUID, interval: Interval, changes: Mapping[str, Any]) -> UUID:
    """Lay ``changes`` over ``interval``; see ``bitemporal.versions.update``."""
    check_fields(model, changes)
    if not model.open_validity and interval.start == NEG_INF:
        raise InvalidInterval(f"validity.from: a {model.title} needs a start date", field="validity.from")
    old = await _existing(ctx, model, uuid)
    try:
        new = versions.update(old, interval, normalise(model, changes))
    except NoVersions:  # pragma: no cover - _existing already refused
        raise NotFound(f"uuid: no {model.title} with uuid {uuid}", field="uuid") from None
    await _register(ctx, model, uuid, old, new)
    return uuid


async def terminate(
    ctx: WriteContext, model: Model, uuid: UUID, interval: Interval, *, vacate: bool = False
) -> UUID:
    """End the object's validity over ``interval`` (usually ``[to, infinity)``).

    ``vacate`` (persons): manager roles the person held are left vacant over the
    interval instead of ended with them.
    """
    old = await _existing(ctx, model, uuid)
    await _register(ctx, model, uuid, old, versions.terminate(old, interval), vacate=vacate)
    return uuid


async def delete(ctx: WriteContext, model: Model, uuid: UUID) -> UUID:
    """Close every current registration of the object; its history stays readable."""
    old = await _existing(ctx, model, uuid)
    await _register(ctx, model, uuid, old, [])
    return uuid


async def _locked(ctx: WriteContext, model: Model, uuid: UUID) -> list[Version]:
    table = VERSIONED[model.name]
    await table.lock(ctx.conn, uuid)
    return await table.current(ctx.conn, uuid)


async def _existing(ctx: WriteContext, model: Model, uuid: UUID) -> list[Version]:
    old = await _locked(ctx, model, uuid)
    if not old:
        raise NotFound(f"uuid: no {model.title} with uuid {uuid}", field="uuid")
    return old


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


async def _register(
    ctx: WriteContext, model: Model, uuid: UUID, old: list[Version], new: list[Version], *, vacate: bool = False
) -> None:
    closed, inserted = diff(old, new)
    if ctx.guard is not None:
        await ctx.guard(ctx, model, uuid, closed, inserted)
    check_required(model, inserted)
    for check in CHECKS.get(model.name, ()):
        await check(ctx, uuid, inserted)
    await check_references(ctx, model, inserted)
    for window in removed_days(old, new):
        await _release(ctx, model, uuid, window, vacate=vacate)
    ctx.validity.pop((model.name, uuid), None)
    await VERSIONED[model.name].replace(ctx.conn, ctx.registrar, uuid, old, new)


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
