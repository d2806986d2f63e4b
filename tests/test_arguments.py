"""mo.graphapi.arguments builds, for every argument of every root field, exactly
what strawberry's own ``convert_arguments`` builds."""

from __future__ import annotations

from typing import Any

import pytest
from graphql.pyutils import Undefined as UNSET_DEFAULT
from strawberry.types.arguments import convert_arguments as strawberry_convert_arguments
from strawberry.types.unset import UNSET

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    coerce_input_value,
)
from mo.graphapi import arguments
from mo.graphapi.schema import get_schema

SCALARS: dict[str, Any] = {
    "UUID": "5f2a1f3e-9d0c-4b4e-8f51-3c0a6f1e2d7b",
    "Date": "2021-03-04",
    "DateTime": "2021-03-04T05:06:07+01:00",
    "CPR": "0101701234",
    "String": "x",
    "Int": 3,
    "int": 5,
    "Float": 1.5,
    "Boolean": True,
    "Cursor": "abc",
    "EventToken": "MS4y",  # base64 of "1.2": event 1, generation 2
}


def sample(type_: GraphQLInputType, depth: int, full: bool) -> Any:
    """An external (JSON) value of ``type_``: every field set when ``full``, else only the required ones."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type, depth, full)
    if isinstance(type_, GraphQLList):
        item = sample(type_.of_type, depth, full)
        return [item, item] if item is not None else [None]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLScalarType):
        if type_.name in SCALARS:
            return SCALARS[type_.name]
        for candidate in ("x", 1, True, "2021-03-04", {}):
            try:
                if coerce_input_value(candidate, type_) is UNSET_DEFAULT:
                    continue
            except Exception:  # noqa: BLE001 - trying candidates until one parses
                continue
            return candidate
        raise AssertionError(f"no sample for scalar {type_.name}")
    assert isinstance(type_, GraphQLInputObjectType)
    value: dict[str, Any] = {}
    for name, field in type_.fields.items():
        required = isinstance(field.type, GraphQLNonNull) and field.default_value is UNSET_DEFAULT
        if required or (full and depth < 3):
            value[name] = sample(field.type, depth + 1, full)
            if getattr(type_, "is_one_of", False):
                break
    # A nullable field set to null is its own case: strawberry keeps None, not UNSET.
    if full and depth == 0:
        for name, field in type_.fields.items():
            if not isinstance(field.type, GraphQLNonNull) and name not in value:
                value[name] = None
                break
    return value


def root_arguments() -> list[tuple[str, Any, Any, Any]]:
    schema = get_schema()
    converter = schema.schema_converter
    cases = []
    for root in ("Query", "Mutation"):
        concrete = converter.type_map[root]
        graphql_type = concrete.implementation
        for field in concrete.definition.fields:
            name = converter.config.name_converter.get_graphql_name(field)
            if field.arguments and name in graphql_type.fields:
                cases.append((f"{root}.{name}", field, graphql_type.fields[name], schema))
    return cases


CASES = root_arguments()


@pytest.mark.parametrize("full", [True, False], ids=["every-field", "required-only"])
@pytest.mark.parametrize(("name", "field", "graphql_field", "schema"), CASES, ids=[c[0] for c in CASES])
def test_same_values_as_strawberry(name: str, field: Any, graphql_field: Any, schema: Any, full: bool) -> None:
    raw: dict[str, Any] = {}
    for arg_name, arg in graphql_field.args.items():
        external = sample(arg.type, 0, full)
        raw[arg_name] = coerce_input_value(external, arg.type)
        assert raw[arg_name] is not UNSET_DEFAULT, (arg_name, external)
    registry, config = schema.schema_converter.scalar_registry, schema.config
    expected = strawberry_convert_arguments(raw, field.arguments, scalar_registry=registry, config=config)
    got = arguments.convert_arguments(raw, field.arguments, registry, config)
    assert got == expected
    assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]


def test_unset_and_null_pass_through() -> None:
    schema = get_schema()
    concrete = schema.schema_converter.type_map["Query"]
    field = next(f for f in concrete.definition.fields if f.python_name == "org_units")
    registry, config = schema.schema_converter.scalar_registry, schema.config
    assert arguments.convert_arguments({"filter": None}, field.arguments, registry, config) == {"filter": None}
    assert arguments.convert_arguments({}, field.arguments, registry, config) == {}
    converted = arguments.convert_arguments({"filter": {"uuids": None}}, field.arguments, registry, config)
    assert converted["filter"].uuids is None
    assert converted["filter"].names is UNSET


def test_the_service_uses_the_plans() -> None:
    import strawberry.schema.schema_converter as module

    get_schema()
    assert module.convert_arguments is arguments.convert_arguments
