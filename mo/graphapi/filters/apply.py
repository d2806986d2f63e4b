"""The SQL behind individual filter fields."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Table, Text, Uuid, and_, bindparam, cast, false, func, literal, or_, select

from mo.db.tables import TABLES, registrations
from mo.graphapi.filters.compiler import Compiler
from mo.graphapi.filters.spec import Apply
from mo.graphapi.window import Window


def one_of(column: Any, values: list[Any]) -> ColumnElement[bool]:
    """``column`` is one of ``values`` (none: false). One expanding parameter rather
    than a literal per value: half the cost to build, and the statement's cache key
    does not grow with the list."""
    if not values:
        return false()
    return column.in_(bindparam(None, list(values), expanding=True, type_=column.type))


def keyed(apply: Apply, column: str, keys: Any = None) -> Apply:
    """Mark ``apply`` as "the row's ``column`` is one of the values" (after ``keys(values)``
    when given): ``mo.graphapi.joined`` then puts the condition into its own statement."""
    apply.keyed = (column, keys)  # type: ignore[attr-defined]
    return apply


def column_in(column: str) -> Apply:
    def apply(c: Compiler, t: Table, value: list[Any], w: Window) -> ColumnElement[bool]:
        return one_of(t.c[column], value)

    return keyed(apply, column)


def nested(column: str, model: str) -> Apply:
    """``column`` points at a ``model`` object that matches the nested filter."""

    def apply(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
        return t.c[column].in_(c.uuids(model, value, w))

    return apply


def nested_user_keys(column: str, model: str) -> Apply:
    def apply(c: Compiler, t: Table, value: list[str], w: Window) -> ColumnElement[bool]:
        target = TABLES[model].alias(c.cte_name(model))
        return t.c[column].in_(select(target.c.uuid).where(c.live(target, w), target.c.user_key.in_(value)))

    return apply


def registration(model: str) -> Apply:
    """Objects with a registration by one of ``actors`` within ``[start, end]``."""

    def apply(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
        reg, obj = registrations.registration, registrations.registration_object
        conditions = [obj.c.model == model]
        if value.actors is not None:
            conditions.append(reg.c.actor.in_(value.actors))
        if value.start is not None:
            conditions.append(reg.c.time >= value.start)
        if value.end is not None:
            conditions.append(reg.c.time <= value.end)
        return t.c.uuid.in_(select(obj.c.uuid).join(reg, reg.c.id == obj.c.registration_id).where(*conditions))

    return apply


def text_search(*columns: str) -> Apply:
    """Best-effort free text: every word must occur in one of ``columns``."""

    def apply(c: Compiler, t: Table, value: str, w: Window) -> ColumnElement[bool]:
        words = value.split()
        if not words:
            return t.c.uuid.is_not(None)
        return and_(
            *(or_(*(func.lower(t.c[col]).contains(word.lower(), autoescape=True) for col in columns)) for word in words)
        )

    return apply


def unit_parent(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
    if value is None:
        return t.c.parent_uuid.is_(None)
    return t.c.parent_uuid.in_(c.uuids("org_unit", value, w))


def unit_child(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
    units = TABLES["org_unit"].alias(c.cte_name("child"))
    live = c.live(units, w)
    if value is None:
        return t.c.uuid.not_in(select(units.c.parent_uuid).where(live, units.c.parent_uuid.is_not(None)))
    return t.c.uuid.in_(select(units.c.parent_uuid).where(live, units.c.uuid.in_(c.uuids("org_unit", value, w))))


def unit_ancestor(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
    """Units below (or equal to) a unit matching the filter: walk down the tree."""
    units = TABLES["org_unit"]
    tree = c.uuids("org_unit", value, w).cte(c.cte_name("below"), recursive=True)
    child = units.alias(c.cte_name("child"))
    tree = tree.union(select(child.c.uuid).join(tree, child.c.parent_uuid == tree.c.uuid).where(c.live(child, w)))
    return t.c.uuid.in_(select(tree.c.uuid))


def unit_descendant(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
    """Units above (or equal to) a unit matching the filter: walk up the tree."""
    units = TABLES["org_unit"]
    tree = c.uuids("org_unit", value, w).cte(c.cte_name("above"), recursive=True)
    node = units.alias(c.cte_name("node"))
    tree = tree.union(
        select(node.c.parent_uuid)
        .join(tree, node.c.uuid == tree.c.uuid)
        .where(c.live(node, w), node.c.parent_uuid.is_not(None))
    )
    return t.c.uuid.in_(select(tree.c.uuid))


def unit_engagement(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
    engagements = TABLES["engagement"].alias(c.cte_name("engagement"))
    return t.c.uuid.in_(
        select(engagements.c.org_unit_uuid).where(
            c.live(engagements, w), engagements.c.uuid.in_(c.uuids("engagement", value, w))
        )
    )


def _as_text(value: Any) -> ColumnElement[str]:
    """A uuid as the text a uuid-list column stores (see bitemporal.columns.UUIDList)."""
    return cast(value, Text) if not isinstance(value, UUID) else cast(literal(value, Uuid()), Text)


def list_contains(column: str) -> Apply:
    """A uuid-list ``column`` holds one of the given uuids."""

    def apply(c: Compiler, t: Table, value: list[UUID], w: Window) -> ColumnElement[bool]:
        return or_(*(t.c[column].contains(_as_text(v)) for v in value)) if value else false()

    return apply


def list_nested(column: str, model: str) -> Apply:
    """A uuid-list ``column`` holds a ``model`` object matching the nested filter."""

    def apply(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
        matches = c.uuids(model, value, w).subquery()
        return select(matches.c.uuid).where(t.c[column].contains(_as_text(matches.c.uuid))).exists()

    return apply


def either_nested(columns: tuple[str, ...], model: str) -> Apply:
    """One of ``columns`` points at a ``model`` object matching the nested filter."""

    def apply(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
        return or_(*(t.c[col].in_(c.uuids(model, value, w)) for col in columns))

    return apply


def either_in(columns: tuple[str, ...]) -> Apply:
    def apply(c: Compiler, t: Table, value: list[Any], w: Window) -> ColumnElement[bool]:
        return or_(*(one_of(t.c[col], value) for col in columns)) if value else false()

    return apply


def is_set(column: str) -> Apply:
    def apply(c: Compiler, t: Table, value: bool, w: Window) -> ColumnElement[bool]:
        return t.c[column].is_not(None) if value else t.c[column].is_(None)

    return apply


def excluding(column: str, model: str) -> Apply:
    """``column`` is empty or points at a ``model`` object NOT matching the filter."""

    def apply(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
        return or_(t.c[column].is_(None), t.c[column].not_in(c.uuids(model, value, w)))

    return apply


def class_owner(c: Compiler, t: Table, value: Any, w: Window) -> ColumnElement[bool]:
    condition = t.c.owner.in_(c.uuids("org_unit", value, w))
    return or_(condition, t.c.owner.is_(None)) if getattr(value, "include_none", False) else condition


def cpr_hashes(numbers: list[str]) -> list[str]:
    """The keyed hashes through which CPR numbers are found (they are encrypted at rest)."""
    from mo.security.cpr import lookup_hash

    return [lookup_hash(number) for number in numbers]


def cpr_numbers(c: Compiler, t: Table, value: list[str], w: Window) -> ColumnElement[bool]:
    """CPR numbers are encrypted at rest; they are matched through their keyed hash."""
    return one_of(t.c.cpr_hash, cpr_hashes(value))


keyed(cpr_numbers, "cpr_hash", cpr_hashes)
