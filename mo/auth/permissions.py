"""Permissions: declared on every root field and mutation, granted by realm roles.

Every root Query field and every Mutation declares the one permission it needs,
next to its definition, with ``permission_classes=needs("read_org_units")`` (the
factories ``listing()``, ``crud()`` and the refresh mutations pass theirs). A
field without one fails ``tests/auth/test_permissions.py``. Names follow one rule:

- a root query field ``X`` needs ``read_X`` (``employees`` is the old name of
  ``persons`` and needs ``read_persons``; ``event_fetch`` needs ``fetch_event``);
- a mutation ``<type>_<verb>`` needs ``<verb>_<model>`` with the model's name
  (``employee_create`` needs ``create_person``; ``engagements_update`` needs
  ``update_engagement``; ``event_listener_declare`` needs ``declare_event_listener``).

Two permissions guard something other than a root field: ``read_cpr`` (CPR
numbers: reading ``cpr_number``, filtering by ``cpr_numbers``, setting
``cpr_number``) and ``read_metrics`` (``/metrics``).

The set of permissions is read off the schema; roles are rules over that set
(``ROLES``), so a new collection or mutation is granted to the roles it belongs
to without a hand-written table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache, lru_cache
from typing import Any, ClassVar

from strawberry.permission import BasePermission

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from mo.service.errors import MOError

READ_CPR = "read_cpr"
READ_METRICS = "read_metrics"
READ_ACCESS_LOG = "read_access_log"

#: Permissions that guard something other than a root field.
EXTRA_PERMISSIONS = frozenset({READ_CPR, READ_METRICS})

#: Arguments and input fields whose values are CPR numbers.
CPR_ARGUMENTS = frozenset({"cpr_numbers", "cpr_number", "cpr_no"})

WRITE_VERBS = ("create", "update", "terminate", "delete")


class Forbidden(MOError):
    """The caller's roles do not grant a permission the request needs."""

    code = "FORBIDDEN"

    def __init__(self, permission: str, what: str = "this") -> None:
        super().__init__(f"forbidden: {what} needs the permission {permission!r}, which the caller does not have")
        self.permission = permission
        self.extensions = {"permission": permission}


class Needs(BasePermission):
    """A root field's permission. Subclassed per permission by ``needs()``."""

    permission: ClassVar[str] = ""

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = getattr(info.context, "principal", None)
        if principal is None or not principal.can(self.permission):
            raise Forbidden(self.permission)
        if not principal.can(READ_CPR) and touches_cpr(info):
            raise Forbidden(READ_CPR, "a CPR number in the arguments")
        return True


@cache
def _needs(permission: str) -> type[Needs]:
    name = "Needs_" + permission
    return type(name, (Needs,), {"permission": permission, "__module__": __name__, "__qualname__": name})


def needs(permission: str) -> list[type[BasePermission]]:
    """``permission_classes`` for a field that needs ``permission``."""
    return [_needs(permission)]


def declared(field: Any) -> str | None:
    """The permission a strawberry field declares, if any."""
    for cls in getattr(field, "permission_classes", None) or ():
        if isinstance(cls, type) and issubclass(cls, Needs) and cls.permission:
            return cls.permission
    return None


def root_fields() -> dict[str, str | None]:
    """``Query.x`` / ``Mutation.y`` -> the permission it declares (None: none)."""
    from mo.graphapi.schema import Mutation, Query

    found: dict[str, str | None] = {}
    for kind in (Query, Mutation):
        definition = kind.__strawberry_definition__  # type: ignore[union-attr]
        for field in definition.fields:
            found[f"{definition.name}.{field.name}"] = declared(field)
    return found


@lru_cache
def all_permissions() -> frozenset[str]:
    return frozenset(p for p in root_fields().values() if p) | EXTRA_PERMISSIONS


# Roles -----------------------------------------------------------------------------

#: What an owner may write (only where it owns the unit or person concerned).
OWNED_MODELS = (
    "org_unit",
    "person",
    "engagement",
    "address",
    "association",
    "leave",
    "manager",
    "ituser",
    "kle",
    "related_unit",
)
#: What HR writes: persons and what hangs on them.
HR_MODELS = ("person", "engagement", "address", "association", "leave", "manager", "ituser")
#: Every caller may ask who it is and what runs.
BASIC = frozenset({"read_me", "read_version", "read_healths"})
#: An integration's use of the event system (silence, unsilence and rerun are operators', admin only).
EVENT_CONSUMER = frozenset(
    {
        "read_events",
        "read_event_listeners",
        "read_event_namespaces",
        "fetch_event",
        "acknowledge_event",
        "declare_event_listener",
        "delete_event_listener",
        "declare_event_namespace",
        "delete_event_namespace",
        "send_event",
    }
)


def writes(*models: str) -> Callable[[frozenset[str]], set[str]]:
    return lambda every: {f"{verb}_{model}" for verb in WRITE_VERBS for model in models} & every


def reads(every: frozenset[str]) -> set[str]:
    """Every read of the registry and its events, but not CPR, metrics or the access log."""
    return {p for p in every if p.startswith("read_")} - {READ_CPR, READ_METRICS, READ_ACCESS_LOG}


def refreshes(every: frozenset[str]) -> set[str]:
    return {p for p in every if p.startswith("refresh_")}


def events(every: frozenset[str]) -> set[str]:
    return set(EVENT_CONSUMER) | refreshes(every)


def fixed(*names: str) -> Callable[[frozenset[str]], set[str]]:
    return lambda every: set(names)


Rule = Callable[[frozenset[str]], set[str]]

#: Realm role -> the rules whose union it grants.
ROLES: dict[str, tuple[Rule, ...]] = {
    "admin": (lambda every: set(every),),
    "reader": (reads,),
    "owner": (reads, writes(*OWNED_MODELS)),
    "hr": (reads, fixed(READ_CPR), writes(*HR_MODELS)),
    "manager": (reads,),
    "service-ad": (reads, fixed(READ_CPR), events, writes("person", "engagement", "address", "ituser")),
    "service-fk-org": (reads, fixed(READ_CPR), events),
    "service-role-catalogue": (reads, events, writes("rolebinding")),
    "monitoring": (fixed(READ_METRICS, *BASIC),),
}

#: Roles whose writes are limited to what the caller owns.
SCOPED_ROLES = {"owner": OWNED_MODELS}


def role_permissions(role: str) -> frozenset[str]:
    """What one role grants (unknown roles grant nothing)."""
    every = all_permissions()
    granted: set[str] = set(BASIC)
    for rule in ROLES.get(role, ()):
        granted |= rule(every)
    return frozenset(granted)


def grant(roles: Iterable[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The permissions of ``roles``, and the models they may write only where they own.

    A model is scoped when only a scoped role (owner) grants writes to it: an owner
    who is also ``hr`` writes persons everywhere, units only where it owns them.
    """
    roles = [r for r in roles if r in ROLES]
    if not roles:
        return frozenset(), frozenset()
    granted = frozenset().union(*(role_permissions(r) for r in roles))
    free = frozenset().union(*(role_permissions(r) for r in roles if r not in SCOPED_ROLES))
    scoped = {
        model
        for role in roles
        for model in SCOPED_ROLES.get(role, ())
        if not any(f"{verb}_{model}" in free for verb in WRITE_VERBS)
    }
    return granted, frozenset(scoped)


# CPR in the arguments --------------------------------------------------------------


def touches_cpr(info: Any) -> bool:
    """Whether the field's arguments, or any argument below it, carry a CPR number."""
    raw = getattr(info, "_raw_info", info)  # strawberry's Info wraps graphql-core's
    return nodes_touch_cpr(raw.field_nodes, raw.variable_values or {}, raw.fragments or {})


def nodes_touch_cpr(nodes: Any, variables: Any, fragments: dict[str, Any]) -> bool:
    """``touches_cpr`` for the field nodes ``nodes`` with ``variables`` (their values by name)."""
    return any(_field_touches(node, variables, fragments, set()) for node in nodes)


def _field_touches(node: FieldNode, variables: dict[str, Any], fragments: dict[str, Any], seen: set[str]) -> bool:
    for argument in node.arguments or ():
        if argument.name.value in CPR_ARGUMENTS and _present(argument.value, variables):
            return True
        if _value_touches(argument.value, variables):
            return True
    return any(_field_touches(f, variables, fragments, seen) for f in _fields(node.selection_set, fragments, seen))


def _fields(selections: SelectionSetNode | None, fragments: dict[str, Any], seen: set[str]) -> Iterator[FieldNode]:
    for selection in selections.selections if selections else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments, seen)


def _present(value: ValueNode, variables: dict[str, Any]) -> bool:
    if isinstance(value, NullValueNode):
        return False
    if isinstance(value, VariableNode):
        return variables.get(value.name.value) is not None
    return True


def _value_touches(value: ValueNode, variables: dict[str, Any]) -> bool:
    if isinstance(value, ObjectValueNode):
        return any(
            (f.name.value in CPR_ARGUMENTS and _present(f.value, variables)) or _value_touches(f.value, variables)
            for f in value.fields
        )
    if isinstance(value, ListValueNode):
        return any(_value_touches(v, variables) for v in value.values)
    if isinstance(value, VariableNode):
        return _data_touches(variables.get(value.name.value))
    return False


def _data_touches(data: Any) -> bool:
    """A variable's (coerced) value: dicts, lists or strawberry inputs."""
    if data is None:
        return False
    if isinstance(data, dict):
        return any((k in CPR_ARGUMENTS and v is not None) or _data_touches(v) for k, v in data.items())
    if isinstance(data, (list, tuple)):
        return any(_data_touches(v) for v in data)
    definition = getattr(type(data), "__strawberry_definition__", None)
    if definition is not None:
        for field in definition.fields:
            value = getattr(data, field.python_name, None)
            if value is not None and not _unset(value) and (field.python_name in CPR_ARGUMENTS or _data_touches(value)):
                return True
    return False


def _unset(value: Any) -> bool:
    from strawberry import UNSET

    return value is UNSET
