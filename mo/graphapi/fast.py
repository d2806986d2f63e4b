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
import inspect
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import date, datetime
from functools import partial
from typing import Any
from uuid import UUID

import graphql.execution.executor as graphql_executor
import strawberry.schema.schema_converter as schema_converter_module
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLString,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    Undefined,
    get_named_type,
)
from mo.graphapi import arguments as argument_plans
from mo.graphapi import variables
from mo.graphapi.records import Record, Sealed, unseal

_NOTHING: Any = object()

SLOW: Any = object()
"""What a lean resolver returns when the ordinary resolver must answer."""

#: (source, info, arguments) -> the answer, an awaitable of it, or SLOW
Fast = Callable[[Any, GraphQLResolveInfo, dict[str, Any]], Any]
#: (info, parents, arguments) -> fills the loaders for the field of all ``parents``; returns None when
#: it cannot (the completion then resolves each parent on its own). For a field with a ``Fast``
#: resolver the values then come from that, once per parent; a plain attribute's prefetch returns
#: the objects it gives for all parents.
Prefetch = Callable[[GraphQLResolveInfo, list[Any], dict[str, Any]], Awaitable[list[Any] | None]]


def lean(
    resolver: Callable[..., Any], fast: Fast, prefetch: Prefetch | None = None, reads: tuple[str, ...] | None = None
) -> None:
    """Declare ``fast`` (and ``prefetch``) for the strawberry resolver function ``resolver``
    (or the function of a strawberry field).

    ``reads`` names the values the field reads of a version (``Record.values``);
    None if unknown. A listing loads only the values its selection reads, when every
    field selected of a version declares them (see ``demand``).

    ``fast`` and ``prefetch`` functions marked ``pruned`` (see ``pruned``) take the
    columns to load as a last argument."""
    base = getattr(resolver, "base_resolver", None)
    if base is not None:
        resolver = base.wrapped_func
    resolver.__mo_fast__ = fast  # type: ignore[attr-defined]
    resolver.__mo_prefetch__ = prefetch  # type: ignore[attr-defined]
    resolver.__mo_reads__ = reads  # type: ignore[attr-defined]


def pruned(fast: Fast, prefetch: Prefetch) -> tuple[Fast, Prefetch]:
    """Mark a field's lean pair as giving versions loaded with the columns passed to
    them as a last argument, ``columns`` (None: all columns)."""
    fast.__mo_pruned__ = True  # type: ignore[attr-defined]
    prefetch.__mo_pruned__ = True  # type: ignore[attr-defined]
    return fast, prefetch


def no_arguments(arguments: dict[str, Any]) -> bool:
    """Whether every argument was left out (or null)."""
    for value in arguments.values():
        if value is not None:
            return False
    return True


def install(schema: Any) -> None:
    """Put lean resolvers on the built strawberry ``schema``'s object types."""
    graphql_executor.get_argument_values = _arguments_once  # type: ignore[assignment]
    graphql_executor.get_variable_values = variables.get_variable_values
    schema_converter_module.convert_arguments = argument_plans.convert_arguments
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
            join = getattr(resolver.wrapped_func, "__mo_join__", None)
            if join is not None:  # a field computed from the version alone (mo.graphapi.joined)
                graphql_field.resolve.__mo_join__ = join  # type: ignore[union-attr]
                graphql_field.resolve.__mo_compute__ = resolver.wrapped_func  # type: ignore[union-attr]
            fast = getattr(resolver.wrapped_func, "__mo_fast__", None)
            if fast is not None:
                graphql_field.resolve = _with_fallback(
                    fast,
                    graphql_field.resolve,
                    getattr(resolver.wrapped_func, "__mo_prefetch__", None),
                    get_named_type(graphql_field.type).name,
                )
                graphql_field.resolve.__mo_reads__ = resolver.wrapped_func.__mo_reads__


def _attribute(name: str, graphql_field: GraphQLField) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        if type(source) is Record:
            values = source.values
            if name in values:
                return unseal(values[name])
        return getattr(source, name)

    resolve.__mo_lean__ = True  # type: ignore[attr-defined]
    resolve.__mo_attribute__ = name  # type: ignore[attr-defined]
    resolve.__mo_reads__ = (name,)  # type: ignore[attr-defined]

    if isinstance(get_named_type(graphql_field.type), GraphQLObjectType):

        async def prefetch(info: GraphQLResolveInfo, parents: list[Any], arguments: dict[str, Any]) -> list[Any]:
            return list(_flat(resolve(parent, info) for parent in parents))

        resolve.__mo_prefetch__ = prefetch  # type: ignore[attr-defined]
    return resolve


def _with_fallback(
    fast: Fast, slow: Callable[..., Any] | None, prefetch: Prefetch | None, returns: str
) -> Callable[..., Any]:
    """The field's resolver: ``fast``, else strawberry's ``slow`` one. A ``pruned``
    ``fast`` reads the versions loaded with the columns the document reads of the
    type it ``returns`` (as the listing's prefetch loaded them)."""
    assert slow is not None

    if getattr(fast, "__mo_pruned__", False):

        def resolve(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
            columns = demand(info.schema, info.operation, info.fragments).get(returns)
            result = fast(source, info, arguments, columns)  # type: ignore[call-arg]
            return slow(source, info, **arguments) if result is SLOW else result

    else:

        def resolve(source: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
            result = fast(source, info, arguments)
            return slow(source, info, **arguments) if result is SLOW else result

    resolve.__mo_prefetch__ = prefetch  # type: ignore[attr-defined]
    resolve.__mo_fast__ = fast  # type: ignore[attr-defined]
    resolve.__mo_lean__ = True  # type: ignore[attr-defined]
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
    resolved = info.context.loaders.resolved
    root_type = get_named_type(info.return_type)
    if not isinstance(root_type, GraphQLObjectType):
        return
    variables = info.variable_values
    if not isinstance(variables, VariableValues):  # strawberry hands resolvers the plain dict
        variables = VariableValues({}, dict(variables or {}))
    level: list[tuple[GraphQLObjectType, list[Any], SelectionSetNode]] = [
        (root_type, parents, node.selection_set) for node in info.field_nodes if node.selection_set is not None
    ]
    reads = demand(info.schema, info.operation, info.fragments)
    while level:
        #: (the prefetch, the child type, the field's node, the parents, the arguments, the field, the columns)
        jobs: list[
            tuple[
                Awaitable[list[Any] | None],
                GraphQLObjectType,
                FieldNode,
                list[Any],
                dict[str, Any],
                Any,
                frozenset[str] | None,
            ]
        ]
        jobs = []
        for graphql_type, objects, selection_set in level:
            for node in _field_nodes(selection_set, graphql_type, info.fragments):
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
                if getattr(fetch, "__mo_pruned__", False):
                    columns = reads.get(child_type.name)
                    job = fetch(info, objects, arguments, columns)
                else:
                    columns, job = None, fetch(info, objects, arguments)
                jobs.append((job, child_type, node, objects, arguments, graphql_field, columns))
        if not jobs:
            return
        found = await asyncio.gather(*(job[0] for job in jobs), return_exceptions=True)
        level = []
        for job, children in zip(jobs, found, strict=True):
            _, child_type, node, objects, arguments, graphql_field, columns = job
            if not isinstance(children, list):
                continue
            fast = getattr(graphql_field.resolve, "__mo_fast__", None)
            if fast is not None:
                if getattr(fast, "__mo_pruned__", False):
                    fast = partial(_with_columns, fast, columns)
                children = _resolve_each(resolved, fast, info, node, objects, arguments)
            if children:
                level.append((child_type, children, node.selection_set))


def _with_columns(fast: Fast, columns: frozenset[str] | None, source: Any, info: Any, arguments: dict[str, Any]) -> Any:
    return fast(source, info, arguments, columns)  # type: ignore[call-arg]


#: (id(schema), id(operation)) -> (the operation, what its selections read of each object type);
#: see ``demand``
_DEMANDS: dict[tuple[int, int], tuple[Any, dict[str, frozenset[str] | None]]] = {}


def demand(schema: Any, operation: Any, fragments: Any) -> dict[str, frozenset[str] | None]:
    """What the selections of ``operation`` read of the versions of each object type:
    type name -> the ``Record.values`` the fields selected anywhere in the document
    on that type declare they read (``lean``), or None if a selected field's reads
    are unknown. Fragments on interfaces and unions count for each possible type,
    and fields under ``@skip``/``@include`` count too (more is never wrong).

    Taken over the whole document and by type, not by field node: graphql-core
    merges fields of the same name, so a version may be completed under any of the
    selections on its type. Cached per schema and operation (the parsed document
    is cached and reused across requests; the entry holds the operation, so its id
    is not reused, and the schema lives as long as the process).
    """
    key = (id(schema), id(operation))
    found = _DEMANDS.get(key)
    if found is not None and found[0] is operation:
        return found[1]
    reads: dict[str, set[str] | None] = {}
    seen: set[tuple[str, int]] = set()

    def visit(graphql_type: Any, selection_set: SelectionSetNode) -> None:
        if isinstance(graphql_type, GraphQLObjectType):
            types = [graphql_type]
        elif isinstance(graphql_type, (GraphQLInterfaceType, GraphQLUnionType)):
            types = list(schema.get_possible_types(graphql_type))
        else:
            return
        for concrete in types:
            key = (concrete.name, id(selection_set))
            if key in seen:
                continue
            seen.add(key)
            for node in _all_field_nodes(selection_set, fragments):
                name = node.name.value
                if name.startswith("__"):
                    continue
                field = concrete.fields.get(name)
                if field is None:  # a fragment on another type's field
                    continue
                declared = getattr(field.resolve, "__mo_reads__", None)
                if declared is None:
                    reads[concrete.name] = None
                elif concrete.name not in reads:
                    reads[concrete.name] = set(declared)
                elif (names := reads[concrete.name]) is not None:
                    names.update(declared)
                if node.selection_set is not None:
                    visit(get_named_type(field.type), node.selection_set)

    root = schema.get_root_type(operation.operation)
    if root is not None:
        visit(root, operation.selection_set)
    result = {name: None if names is None else frozenset(names) for name, names in reads.items()}
    if len(_DEMANDS) >= 256:
        _DEMANDS.clear()
    _DEMANDS[key] = (operation, result)
    return result


def _all_field_nodes(selection_set: SelectionSetNode, fragments: Any) -> Iterator[FieldNode]:
    """Every field node of ``selection_set``, through all its fragments whatever their type."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _all_field_nodes(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _all_field_nodes(fragment.selection_set, fragments)


def _resolve_each(
    resolved: dict[int, dict[Any, Any]],
    fast: Fast,
    info: GraphQLResolveInfo,
    node: FieldNode,
    parents: list[Any],
    arguments: dict[str, Any],
) -> list[Any]:
    """The field's value for each parent, from the warmed loaders, kept in ``resolved``
    for the completion: by the field node's id (the node outlives the request), then
    by the parent itself (versions hash by identity, Responses by uuid and window,
    and equal ones have equal values). Returns the objects of the next level."""
    values: list[Any] = []
    kept = resolved.setdefault(id(node), {})
    for parent in parents:
        try:
            value = fast(parent, info, arguments)
        except Exception:  # noqa: BLE001 - the completion meets it again and reports it
            continue
        if value is SLOW or _dropped_if_awaitable(value):
            continue
        try:
            kept[parent] = value
        except TypeError:  # an unhashable parent: the completion resolves it again
            pass
        values.append(value)
    return list(_flat(values))


def _field_nodes(
    selection_set: SelectionSetNode, graphql_type: GraphQLObjectType, fragments: Any, strict_in: Any = None
) -> Iterator[FieldNode]:
    """The field nodes of ``selection_set`` that apply to ``graphql_type``, through fragments.

    With ``strict_in`` (a schema: the lean completion), whatever only graphql-core
    handles raises ``Abort``: directives, fragment variables, a fragment on a
    union or on an interface the type does not implement. Without (the prefetch,
    which only warms caches), such selections are passed or skipped.
    """
    for selection in selection_set.selections:
        if strict_in is not None and selection.directives:
            raise Abort
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            if condition is None or _applies(condition.name.value, graphql_type, strict_in):
                yield from _field_nodes(selection.selection_set, graphql_type, fragments, strict_in)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if strict_in is not None and (fragment is None or getattr(fragment, "variable_definitions", None)):
                raise Abort
            if fragment is not None and _applies(fragment.type_condition.name.value, graphql_type, strict_in):
                yield from _field_nodes(fragment.selection_set, graphql_type, fragments, strict_in)
        elif strict_in is not None:
            raise Abort


def _applies(name: str, graphql_type: GraphQLObjectType, strict_in: Any = None) -> bool:
    """Whether a fragment on type ``name`` applies to ``graphql_type`` (see ``_field_nodes``)."""
    if name == graphql_type.name or any(interface.name == name for interface in graphql_type.interfaces):
        return True
    if strict_in is not None and not isinstance(strict_in.get_type(name), GraphQLObjectType):
        raise Abort
    return False


# --- completing a prefetched listing without graphql-core's per-field machinery ---


class Precompleted:
    """A field's value already completed to its JSON form (see ``ExecutionContext``)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """strawberry's execution context, passing ``Precompleted`` values through."""

    def complete_value(self, return_type: Any, details: Any, info: Any, path: Any, result: Any, *rest: Any) -> Any:
        if type(result) is Precompleted:
            return result.value
        return super().complete_value(return_type, details, info, path, result, *rest)


class Abort(Exception):
    """The lean completion met something only graphql-core handles."""


class _LeanInfo:
    """What lean resolvers read of their ``info``."""

    __slots__ = ("context", "schema", "operation", "fragments")

    def __init__(self, info: GraphQLResolveInfo) -> None:
        self.context = info.context
        self.schema = info.schema
        self.operation = info.operation
        self.fragments = info.fragments


def precomplete(info: GraphQLResolveInfo, value: Any) -> Any:
    """``value`` (the listing field's result) completed as graphql-core would,
    once ``prefetch`` has filled the loaders; or ``value`` itself, for graphql-core
    to complete, when the selection holds anything but lean fields of object
    types, lists, scalars and enums (directives, interfaces, a resolver that
    must await, an error, a null where the schema says non-null).

    graphql-core spends ~10 us on each field of each object; this walks the
    selection once per object type and calls the lean resolvers directly.
    """
    if any(node.directives for node in info.field_nodes):
        return value
    try:
        return Precompleted(_Completion(info).complete(info.return_type, value, info.field_nodes))
    except Abort:
        return value


Complete = Callable[[Any], Any]
#: (response key, resolver, arguments, attribute name for plain fields, completion of the value,
#: what ``prefetch`` resolved of the field, by parent); a resolver of None is ``__typename``
Plan = list[tuple[str, Any, dict[str, Any], str | None, Complete | str, dict[Any, Any] | None]]

#: Values that are never awaitable, so need no check
_SYNC = frozenset({str, int, float, bool, type(None), list, dict, UUID, Record, datetime, date})


def _dropped_if_awaitable(value: Any) -> bool:
    """Whether a lean resolver's ``value`` must be awaited (a coroutine is closed unawaited):
    the one-pass paths cannot wait, so the caller leaves the field to graphql-core."""
    if type(value) in _SYNC or not inspect.isawaitable(value):
        return False
    if asyncio.iscoroutine(value):
        value.close()
    return True


def leaf(graphql_type: GraphQLScalarType | GraphQLEnumType, nullable: bool) -> Complete:
    """How graphql-core completes a value of a scalar or enum type (``Abort`` where it
    would report an error)."""
    serialize = graphql_type.serialize
    # A str is its own serialisation for String and ID (what graphql-core's would return).
    strings = graphql_type in (GraphQLString, GraphQLID)

    def complete(value: Any) -> Any:
        if value is None:
            if nullable:
                return None
            raise Abort
        if strings and type(value) is str:
            return value
        serialized = serialize(value)
        if serialized is None or serialized is Undefined:
            raise Abort
        return serialized

    return complete


class _Completion:
    def __init__(self, info: GraphQLResolveInfo) -> None:
        self.info = _LeanInfo(info)
        self.fragments = info.fragments
        variables = info.variable_values
        if not isinstance(variables, VariableValues):
            variables = VariableValues({}, dict(variables or {}))
        self.variables = variables
        self.schema = info.schema
        self.resolved: dict[int, dict[Any, Any]] = info.context.loaders.resolved
        self.plans: dict[tuple[str, tuple[int, ...]], Plan] = {}

    def complete(self, graphql_type: GraphQLOutputType, value: Any, nodes: list[FieldNode]) -> Any:
        return self.completion(graphql_type, nodes)(value)

    def completion(self, graphql_type: GraphQLOutputType, nodes: list[FieldNode]) -> Complete:
        """How to complete values of ``graphql_type`` selected by ``nodes``, as graphql-core would."""
        if isinstance(graphql_type, GraphQLNonNull):
            if isinstance(graphql_type.of_type, (GraphQLScalarType, GraphQLEnumType)):
                return leaf(graphql_type.of_type, nullable=False)
            inner = self.completion(graphql_type.of_type, nodes)

            def non_null(value: Any) -> Any:
                if value is None:
                    raise Abort
                return inner(value)

            return non_null
        if isinstance(graphql_type, GraphQLList):
            item = self.completion(graphql_type.of_type, nodes)

            def listed(value: Any) -> Any:
                if value is None:
                    return None
                if type(value) is not list:
                    raise Abort
                return [item(entry) for entry in value]

            return listed
        if isinstance(graphql_type, GraphQLObjectType):
            object_type, obj, info = graphql_type, self.object, self.info
            # graphql-core checks a value against a type that has ``is_type_of`` (strawberry gives one
            # to types with interfaces: an isinstance test); a value that fails is its error to report
            is_type_of = graphql_type.is_type_of
            # The plan is made on first use: a selection nested in itself would recurse for ever.
            plans: list[Plan] = []

            def completed(value: Any) -> Any:
                if value is None:
                    return None
                if is_type_of is not None and is_type_of(value, info) is not True:
                    raise Abort
                if not plans:
                    plans.append(self.plan(object_type, nodes))
                return obj(plans[0], value)

            return completed
        if isinstance(graphql_type, (GraphQLScalarType, GraphQLEnumType)):
            return leaf(graphql_type, nullable=True)
        raise Abort

    def object(self, plan: Plan, source: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        info = self.info
        values = source.values if type(source) is Record else None
        for key, resolve, arguments, attribute, complete, kept in plan:
            if resolve is None:
                result[key] = complete
                continue
            if values is not None and attribute in values:
                value = values[attribute]
                if type(value) is Sealed:
                    value = unseal(value)
            elif kept is None or (value := kept.get(source, _NOTHING)) is _NOTHING:
                try:
                    value = resolve(source, info, **arguments)
                except Exception as error:  # noqa: BLE001 - graphql-core reports it, on its own path
                    raise Abort from error
                if _dropped_if_awaitable(value):
                    raise Abort
            result[key] = complete(value)  # type: ignore[operator]
        return result

    def plan(self, graphql_type: GraphQLObjectType, nodes: list[FieldNode]) -> Plan:
        key = (graphql_type.name, tuple(id(node) for node in nodes))
        plan = self.plans.get(key)
        if plan is None:
            grouped: dict[str, list[FieldNode]] = {}
            for node in nodes:
                if node.selection_set is not None:
                    for field_node in _field_nodes(node.selection_set, graphql_type, self.fragments, self.schema):
                        grouped.setdefault((field_node.alias or field_node.name).value, []).append(field_node)
            plan = []
            for response_key, field_nodes in grouped.items():
                name = field_nodes[0].name.value
                if name == "__typename":
                    plan.append((response_key, None, {}, None, graphql_type.name, None))
                    continue
                field = graphql_type.fields.get(name)
                if field is None or not getattr(field.resolve, "__mo_lean__", False):
                    raise Abort
                arguments = (
                    get_argument_values(field, field_nodes[0], self.variables)
                    if field.args or field_nodes[0].arguments
                    else {}
                )
                attribute = getattr(field.resolve, "__mo_attribute__", None)
                complete = self.completion(field.type, field_nodes)
                kept = self.resolved.get(id(field_nodes[0]))
                plan.append((response_key, field.resolve, arguments, attribute, complete, kept))
            self.plans[key] = plan
        return plan
