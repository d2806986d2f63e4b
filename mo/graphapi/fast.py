"""Lean resolvers and a prefetch of whole answer trees.

Strawberry wraps every resolver in its own machinery (an ``Info`` object, argument
conversion, extension chains, an ``await`` for async resolvers). For a page of
10,000 objects with a few relations that is most of the request's time. So once
the schema is built, ``install`` replaces the resolvers of plain fields and of
the relation fields declared in ``mo.graphapi.types.fields`` and
``mo.graphapi.response`` with lean graphql-core resolvers. A relation's lean
resolver answers synchronously when its data is already in the request's
loaders and hands over to the ordinary (strawberry) resolver otherwise, so the
answers are the same either way.

A listing then fills the loaders for everything its selection will ask for
before it returns (``prefetch``): level by level, one batch per model and
relation, the same statements the loaders would send. Afterwards the whole
answer is built without waiting on anything. The prefetch only warms caches: a
field it cannot handle (arguments it does not know, interfaces) is left to its
resolver, and an error in it is ignored, the resolver raising it where it
belongs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import graphql.execution.executor as graphql_executor
from graphql.execution.values import VariableValues, get_argument_values

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)
from mo.graphapi.records import Record

SLOW: Any = object()
"""What a lean resolver returns when the ordinary resolver must answer."""

#: (source, info, arguments) -> the answer, an awaitable of it, or SLOW
Fast = Callable[[Any, GraphQLResolveInfo, dict[str, Any]], Any]
#: (info, parents, arguments) -> the objects the field gives for all parents
Prefetch = Callable[[GraphQLResolveInfo, list[Any], dict[str, Any]], Awaitable[list[Any] | None]]


def lean(resolver: Callable[..., Any], fast: Fast, prefetch: Prefetch | None = None) -> None:
    """Declare ``fast`` (and ``prefetch``) for the strawberry resolver function ``resolver``
    (or the function of a strawberry field)."""
    base = getattr(resolver, "base_resolver", None)
    if base is not None:
        resolver = base.wrapped_func
    resolver.__mo_fast__ = fast  # type: ignore[attr-defined]
    resolver.__mo_prefetch__ = prefetch  # type: ignore[attr-defined]


def no_arguments(arguments: dict[str, Any]) -> bool:
    """Whether every argument was left out (or null)."""
    for value in arguments.values():
        if value is not None:
            return False
    return True


def install(schema: Any) -> None:
    """Put lean resolvers on the built strawberry ``schema``'s object types."""
    graphql_executor.get_argument_values = _arguments_once  # type: ignore[assignment]
    converter = schema.schema_converter
    for concrete in converter.type_map.values():
        graphql_type = concrete.implementation
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name in ("Query", "Mutation"):
            continue
        definition = concrete.definition
        for field in getattr(definition, "fields", ()):
            name = converter.config.name_converter.get_graphql_name(field)
            graphql_field = graphql_type.fields.get(name)
            if graphql_field is None or field.permission_classes or field.extensions:
                continue
            resolver = field.base_resolver
            if resolver is None:
                graphql_field.resolve = _attribute(field.python_name, graphql_field)
                continue
            fast = getattr(resolver.wrapped_func, "__mo_fast__", None)
            if fast is not None:
                graphql_field.resolve = _with_fallback(
                    fast, graphql_field.resolve, getattr(resolver.wrapped_func, "__mo_prefetch__", None)
                )


def _attribute(name: str, graphql_field: GraphQLField) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        if type(source) is Record:
            values = source.values
            if name in values:
                return values[name]
        return getattr(source, name)

    if isinstance(get_named_type(graphql_field.type), GraphQLObjectType):

        async def prefetch(info: GraphQLResolveInfo, parents: list[Any], arguments: dict[str, Any]) -> list[Any]:
            return list(_flat(resolve(parent, info) for parent in parents))

        resolve.__mo_prefetch__ = prefetch  # type: ignore[attr-defined]
    return resolve


def _with_fallback(fast: Fast, slow: Callable[..., Any] | None, prefetch: Prefetch | None) -> Callable[..., Any]:
    assert slow is not None

    def resolve(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        result = fast(source, info, arguments)
        return slow(source, info, **arguments) if result is SLOW else result

    resolve.__mo_prefetch__ = prefetch  # type: ignore[attr-defined]
    return resolve


def _flat(values: Iterable[Any]) -> Iterator[Any]:
    for value in values:
        if value is None:
            continue
        if isinstance(value, list):
            yield from (item for item in value if item is not None)
        else:
            yield value


_ARGUMENTS: ContextVar[dict[tuple[int, int, int], tuple[Any, dict[str, Any]]] | None] = ContextVar(
    "mo_arguments", default=None
)
_get_argument_values = get_argument_values


def _arguments_once(
    type_def: Any,
    node: Any,
    variable_values: Any = None,
    fragment_variable_values: Any = None,
    hide_suggestions: bool = False,
) -> dict[str, Any]:
    """graphql-core's ``get_argument_values``, computed once per field of the
    document under a listing rather than once per object.

    graphql-core coerces a field's arguments (defaults included) every time it
    resolves the field: 30,000 times for a 10k-person page. The arguments depend
    only on the field, its node in the document and the request's variables, so
    under a listing (``prefetch`` opens the cache) they are kept, keyed by those
    three; each caller gets its own copy. Elsewhere nothing changes.
    """
    cache = _ARGUMENTS.get()
    if cache is None or fragment_variable_values:
        return _get_argument_values(type_def, node, variable_values, fragment_variable_values, hide_suggestions)
    key = (id(type_def), id(node), id(variable_values))
    found = cache.get(key)
    if found is None or found[0] is not variable_values:
        found = cache[key] = (
            variable_values,
            _get_argument_values(type_def, node, variable_values, fragment_variable_values, hide_suggestions),
        )
    return dict(found[1])


async def prefetch(info: GraphQLResolveInfo, parents: list[Any]) -> None:
    """Fill the loaders for what the selection of ``info``'s field asks of ``parents``.

    Also opens the argument cache of ``_arguments_once`` for the rest of the request.
    """
    _ARGUMENTS.set({})
    root_type = get_named_type(info.return_type)
    if not isinstance(root_type, GraphQLObjectType):
        return
    variables = info.variable_values
    if not isinstance(variables, VariableValues):  # strawberry hands resolvers the plain dict
        variables = VariableValues({}, dict(variables or {}))
    level: list[tuple[GraphQLObjectType, list[Any], SelectionSetNode]] = [
        (root_type, parents, node.selection_set) for node in info.field_nodes if node.selection_set is not None
    ]
    while level:
        jobs: list[tuple[Awaitable[list[Any] | None], GraphQLObjectType, SelectionSetNode]] = []
        for graphql_type, objects, selection_set in level:
            for node in _fields(info, selection_set, graphql_type):
                graphql_field = graphql_type.fields.get(node.name.value)
                if graphql_field is None or node.selection_set is None:
                    continue
                fetch = getattr(graphql_field.resolve, "__mo_prefetch__", None)
                child_type = get_named_type(graphql_field.type)
                if fetch is None or not isinstance(child_type, GraphQLObjectType):
                    continue
                try:
                    arguments = get_argument_values(graphql_field, node, variables)
                except Exception:  # noqa: BLE001 - the resolver reports bad arguments
                    continue
                jobs.append((fetch(info, objects, arguments), child_type, node.selection_set))
        if not jobs:
            return
        found = await asyncio.gather(*(job[0] for job in jobs), return_exceptions=True)
        level = [
            (child_type, children, selection_set)
            for (_, child_type, selection_set), children in zip(jobs, found, strict=True)
            if isinstance(children, list) and children
        ]


def _fields(
    info: GraphQLResolveInfo, selection_set: SelectionSetNode, graphql_type: GraphQLObjectType
) -> Iterator[FieldNode]:
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            if selection.type_condition is None or _applies(selection.type_condition.name.value, graphql_type):
                yield from _fields(info, selection.selection_set, graphql_type)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None and _applies(fragment.type_condition.name.value, graphql_type):
                yield from _fields(info, fragment.selection_set, graphql_type)


def _applies(name: str, graphql_type: GraphQLObjectType) -> bool:
    return name == graphql_type.name or any(interface.name == name for interface in graphql_type.interfaces)
