"""Turning a field's coerced GraphQL arguments into Python values, from a plan.

strawberry converts arguments (``strawberry.types.arguments.convert_arguments``)
by walking each value together with its type annotation, resolving annotations
and asking what kind of type each one is on every call. For a filter input with
twenty fields that is most of a small lookup's argument handling, and the
answer never changes: a field's arguments have the same types on every request.

So each argument list gets a plan once - one small function per type, which
knows the input type's fields, their GraphQL names and their own plans - and a
request only runs the plans. What the plans build is what strawberry builds
(``tests/test_arguments.py`` checks every input type of the schema against
it); anything unusual (``Maybe``, global ids, inputs that build themselves)
is handed to strawberry's own ``convert_argument``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

from strawberry.scalars import is_scalar
from strawberry.types.arguments import StrawberryArgument, convert_argument
from strawberry.types.base import StrawberryList, StrawberryMaybe, StrawberryOptional, has_object_definition
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Plan = Callable[[Any], Any]

#: id of a field's argument list -> (the list, kept alive, and its plans).
_PLANS: dict[int, tuple[list[StrawberryArgument], list[tuple[str, str, Plan]]]] = {}


def convert_arguments(
    value: dict[str, Any],
    arguments: list[StrawberryArgument],
    scalar_registry: Mapping[object, Any],
    config: Any,
    info: Any = None,
) -> dict[str, Any]:
    """Drop-in for strawberry's ``convert_arguments``, run from cached plans."""
    if not arguments:
        return {}
    found = _PLANS.get(id(arguments))
    if found is None or found[0] is not arguments:
        planner = _Planner(scalar_registry, config)
        plans = [
            (config.name_converter.from_argument(argument), argument.python_name, planner.plan(argument.type))
            for argument in arguments
        ]
        found = _PLANS[id(arguments)] = (arguments, plans)
    kwargs = {}
    for name, python_name, plan in found[1]:
        if name in value:
            kwargs[python_name] = plan(value[name])
    return kwargs


def _identity(value: Any) -> Any:
    return value


class _Planner:
    def __init__(self, scalar_registry: Mapping[object, Any], config: Any) -> None:
        self.scalar_registry = scalar_registry
        self.config = config
        self.plans: dict[Any, Plan] = {}

    def plan(self, type_: Any) -> Plan:
        key = type_ if _hashable(type_) else id(type_)
        found = self.plans.get(key)
        if found is None:
            # Input types may refer to themselves: while the plan is built, what asks
            # for it gets one that looks the finished plan up when it runs.
            plans = self.plans
            plans[key] = lambda value: plans[key](value)
            found = plans[key] = self._build(type_)
        return found

    def _fallback(self, type_: Any) -> Plan:
        registry, config = self.scalar_registry, self.config

        def convert(value: Any) -> Any:
            return convert_argument(value, type_, registry, config)

        return convert

    def _leaf(self, type_: Any) -> bool:
        if isinstance(type_, LazyType):
            type_ = type_.resolve_type()
        return is_scalar(type_, self.scalar_registry) or isinstance(type_, StrawberryEnumDefinition)

    def _build(self, type_: Any) -> Plan:
        from strawberry.relay.types import GlobalID

        if isinstance(type_, StrawberryMaybe) or type_ is GlobalID:
            return self._fallback(type_)
        if isinstance(type_, StrawberryOptional):
            if isinstance(type_.of_type, StrawberryOptional | StrawberryMaybe):
                return self._fallback(type_)
            return self.plan(type_.of_type)
        if isinstance(type_, LazyType):
            return self.plan(type_.resolve_type())
        if isinstance(type_, StrawberryList):
            item = type_.of_type
            bare = item.of_type if isinstance(item, StrawberryOptional) else item
            if bare is GlobalID or isinstance(bare, StrawberryMaybe):
                return self._fallback(type_)
            if self._leaf(bare):
                return _nullable(list)
            item_plan = self.plan(item)
            return _nullable(lambda values: [item_plan(x) for x in values])
        if self._leaf(type_) or has_enum_definition(type_):
            return _identity
        if has_object_definition(type_):
            definition = type_.__strawberry_definition__
            if definition.from_input is not None:
                return self._fallback(type_)
            defaults = {}
            if definition.is_input:
                defaults = {
                    field.python_name: None
                    for field in definition.fields
                    if field.default_value is MISSING and field.default_factory is MISSING
                }
            fields = [
                (
                    self.config.name_converter.from_field(field),
                    field.python_name,
                    self.plan(field.resolve_type(type_definition=definition)),
                )
                for field in definition.fields
            ]

            def build(value: Any) -> Any:
                kwargs = dict(defaults)
                for name, python_name, plan in fields:
                    if name in value:
                        kwargs[python_name] = plan(value[name])
                return type_(**kwargs)

            return _nullable(build)
        return self._fallback(type_)


def _nullable(plan: Plan) -> Plan:
    def convert(value: Any) -> Any:
        if value is None or value is UNSET:
            return value
        return plan(value)

    return convert


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
