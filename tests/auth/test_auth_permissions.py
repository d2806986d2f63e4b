"""Deny by default: every root field and mutation declares a permission, named by one rule."""

from __future__ import annotations

from types import SimpleNamespace
from uuid import uuid4

import pytest

from mo.auth.permissions import (
    EXTRA_PERMISSIONS,
    READ_ACCESS_LOG,
    READ_CPR,
    ROLES,
    Forbidden,
    Needs,
    all_permissions,
    grant,
    role_permissions,
    root_fields,
)
from mo.auth.principal import Principal
from mo.graphapi.schema import get_schema
from mo.model import MODELS

#: Mutation prefixes that are not the model's name.
PREFIXES = {"employee": "person", "engagements": "engagement", "related_units": "related_unit"}


def expected(kind: str, name: str) -> str:
    """The rule of mo.auth.permissions, written out again."""
    if kind == "Query":
        return {"employees": "read_persons", "event_fetch": "fetch_event"}.get(name, f"read_{name}")
    if name.startswith("event_"):
        noun, verb = name.rsplit("_", 1)
        return f"{verb}_{noun}"
    noun, verb = name.rsplit("_", 1)
    return f"{verb}_{PREFIXES.get(noun, noun)}"


def test_every_root_field_and_mutation_declares_a_permission() -> None:
    fields = root_fields()
    schema = get_schema()._schema
    assert schema.query_type is not None and schema.mutation_type is not None
    assert set(fields) == {f"Query.{n}" for n in schema.query_type.fields} | {
        f"Mutation.{n}" for n in schema.mutation_type.fields
    }, "root_fields() sees every field of the built schema"
    missing = sorted(name for name, permission in fields.items() if permission is None)
    assert not missing, f"root fields without a permission (add permission_classes=needs(...)): {missing}"


def test_permission_names_follow_the_rule() -> None:
    wrong = {
        name: (permission, expected(*name.split(".")))
        for name, permission in root_fields().items()
        if permission != expected(*name.split("."))
    }
    assert not wrong, wrong
    models = set(MODELS) | {"org"}
    for permission in all_permissions() - EXTRA_PERMISSIONS:
        verb, _, noun = permission.partition("_")
        if verb in ("create", "update", "terminate", "delete", "refresh") and not noun.startswith("event_"):
            assert noun in models, permission


def test_a_caller_without_the_permission_is_refused_on_every_root_field() -> None:
    nobody = Principal(actor=uuid4(), roles=frozenset(), permissions=frozenset())
    info = SimpleNamespace(context=SimpleNamespace(principal=nobody))
    for name, field in _strawberry_fields():
        [permission_class] = field.permission_classes
        assert issubclass(permission_class, Needs), name
        with pytest.raises(Forbidden) as refused:
            permission_class().has_permission(None, info)
        assert refused.value.code == "FORBIDDEN" and refused.value.permission in refused.value.message


def test_roles_grant_only_permissions_that_exist() -> None:
    every = all_permissions()
    assert role_permissions("admin") == every
    for role in ROLES:
        assert role_permissions(role) <= every, role
    assert role_permissions("no-such-role") <= {"read_me", "read_version", "read_healths"}
    assert grant(["offline_access"]) == (frozenset(), frozenset()), "unknown roles grant nothing"
    for role in ROLES:
        if role != "admin":
            assert READ_ACCESS_LOG not in role_permissions(role), role
    assert READ_CPR not in role_permissions("reader") | role_permissions("manager") | role_permissions("owner")
    assert not {p for p in role_permissions("reader") if not p.startswith("read_")}


def test_owner_writes_are_scoped_unless_another_role_grants_them() -> None:
    permissions, scoped = grant(["owner"])
    assert {"create_org_unit", "update_person", "create_engagement"} <= permissions
    assert {"org_unit", "person", "engagement"} <= scoped
    _, scoped = grant(["owner", "hr"])
    assert "org_unit" in scoped and "person" not in scoped and "engagement" not in scoped
    assert grant(["admin", "owner"])[1] == frozenset()


def _strawberry_fields() -> list[tuple[str, object]]:
    from mo.graphapi.schema import Mutation, Query

    return [
        (f"{kind.__name__}.{field.name}", field)
        for kind in (Query, Mutation)
        for field in kind.__strawberry_definition__.fields  # type: ignore[attr-defined]
    ]
