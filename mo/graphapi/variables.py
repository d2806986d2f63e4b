"""Variable values coerced by functions built once per input type.

graphql-core coerces a request's variables with one generic function that asks,
for every value, what kind of type it is coercing to, and, for every input
object, looks at each field of the type, given or not. Before that it walks
the whole value once more to check that it is not nested too deeply for the
interpreter's stack. For a bulk mutation of 100 inputs that is a few thousand
calls: about a twentieth of the request.

:func:`get_variable_values` gives the same values, and ``Undefined`` wherever
graphql-core's :func:`~graphql.utilities.coerce_input_value` gives it, with a
coercer per named input type built on first use: which fields are required or
have defaults, and each field's own coercer, decided once. An object's given
fields are coerced in the order given, then the left-out ones looked at (the
dictionaries are equal to graphql-core's, not always in the same key order).

Whatever it does not take on goes, for the whole request's variables, to
graphql-core's own function, which reports errors with their messages: an
error in a variable's definition, a missing variable or one with a default,
and any value that does not coerce. The depth check runs only where it can
fire: a value of a type that does not refer to itself cannot be nested deeper
than the type's definition (``coercer_of``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import graphql.execution.values as graphql_values
from graphql.execution.get_variable_signature import get_variable_signature
from graphql.execution.values import (
    VariableValues,
    VariableValuesOrErrors,
    VariableValueSource,
    input_is_nested_too_deeply,
)
from graphql.language.parser import MAX_NESTING_DEPTH
from graphql.pyutils import is_iterable
from graphql.type import assert_leaf_type, is_required_input_field
from graphql.utilities.coerce_input_value import coerce_default_value

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    Undefined,
    VariableDefinitionNode,
)

Coercer = Callable[[Any], Any]

_generic = graphql_values.get_variable_values
"""graphql-core's own function: the fallback, and the definition of the result."""

#: Per named input type (kept alive by the entry): its coercer and its depth (``coercer_of``).
_NAMED: dict[int, tuple[Any, Coercer, int | None]] = {}


def get_variable_values(
    schema: GraphQLSchema,
    var_def_nodes: Collection[VariableDefinitionNode],
    inputs: dict[str, Any],
    max_errors: int | None = None,
    hide_suggestions: bool = False,
) -> VariableValuesOrErrors:
    """graphql-core's ``get_variable_values``, coercing by compiled coercers where it can."""
    sources: dict[str, VariableValueSource] = {}
    coerced: dict[str, Any] = {}
    try:
        for node in var_def_nodes:
            signature = _signature(schema, node)
            if isinstance(signature, GraphQLError):
                return _generic(schema, var_def_nodes, inputs, max_errors, hide_suggestions)
            value = inputs.get(signature.name, Undefined)
            if value is Undefined:  # an error, a default or a missing value: graphql-core says what
                return _generic(schema, var_def_nodes, inputs, max_errors, hide_suggestions)
            var_type = signature.type
            coercer, depth = coercer_of(var_type)
            if (depth is None or depth > MAX_NESTING_DEPTH) and input_is_nested_too_deeply(value, var_type):
                return _generic(schema, var_def_nodes, inputs, max_errors, hide_suggestions)
            result = coercer(value)
            if result is Undefined:
                return _generic(schema, var_def_nodes, inputs, max_errors, hide_suggestions)
            sources[signature.name] = VariableValueSource(signature, value)
            coerced[signature.name] = result
    except RecursionError:
        return _generic(schema, var_def_nodes, inputs, max_errors, hide_suggestions)
    return VariableValues(sources, coerced)


#: id of a variable definition node -> (the node and schema, kept alive, and its signature):
#: a cached document's nodes come back with every request. Emptied when full.
_SIGNATURES: dict[int, tuple[VariableDefinitionNode, GraphQLSchema, Any]] = {}
SIGNATURES = 1024


def _signature(schema: GraphQLSchema, node: VariableDefinitionNode) -> Any:
    """graphql-core's ``get_variable_signature`` (the variable's name, type and
    default), made once per definition node of a cached document."""
    entry = _SIGNATURES.get(id(node))
    if entry is None or entry[0] is not node or entry[1] is not schema:
        if len(_SIGNATURES) >= SIGNATURES:
            _SIGNATURES.clear()
        entry = _SIGNATURES[id(node)] = (node, schema, get_variable_signature(schema, node))
    return entry[2]


def coercer_of(type_: GraphQLInputType) -> tuple[Coercer, int | None]:
    """The coercer of ``type_`` (a named or wrapping input type), and how many list
    and input-object levels its values can have (None: any number, the type refers
    to itself)."""
    if isinstance(type_, GraphQLNonNull):
        inner, depth = coercer_of(type_.of_type)
        return _non_null(inner), depth
    if isinstance(type_, GraphQLList):
        inner, depth = coercer_of(type_.of_type)
        return _list(inner), None if depth is None else depth + 1
    entry = _NAMED.get(id(type_))
    if entry is None or entry[0] is not type_:
        coercer = _object(type_) if isinstance(type_, GraphQLInputObjectType) else _leaf(type_)
        entry = _NAMED[id(type_)] = (type_, coercer, _depth(type_, {}))
    return entry[1], entry[2]


_VISITING = -1


def _depth(type_: Any, known: dict[int, int | None]) -> int | None:
    """How many list and input-object levels a value of ``type_`` can have (None: no
    bound, the type reaches a type that refers to itself); ``known``: the input
    object types done or being done (``_VISITING``)."""
    if isinstance(type_, (GraphQLNonNull, GraphQLList)):
        inner = _depth(type_.of_type, known)
        return None if inner is None else inner + isinstance(type_, GraphQLList)
    if not isinstance(type_, GraphQLInputObjectType):
        return 0
    if id(type_) in known:
        found = known[id(type_)]
        return None if found == _VISITING else found
    known[id(type_)] = _VISITING
    deepest = 0
    for field in type_.fields.values():
        inner = _depth(field.type, known)
        if inner is None:
            known[id(type_)] = None
            return None
        deepest = max(deepest, inner)
    known[id(type_)] = deepest + 1
    return deepest + 1


def _non_null(inner: Coercer) -> Coercer:
    def coerce(value: Any) -> Any:
        if value is None or value is Undefined:
            return Undefined
        return inner(value)

    return coerce


def _list(inner: Coercer) -> Coercer:
    def coerce(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if not is_iterable(value):  # a single value stands for a list of one
            item = inner(value)
            return Undefined if item is Undefined else [item]
        items: list[Any] = []
        append = items.append
        for item_value in value:
            item = inner(item_value)
            if item is Undefined:
                return Undefined
            append(item)
        return items

    return coerce


def _leaf(type_: Any) -> Coercer:
    parse = assert_leaf_type(type_).coerce_input_value

    def coerce(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        try:
            return parse(value)
        except Exception:  # noqa: BLE001 - graphql-core's rule: any failure is "no value"
            return Undefined

    return coerce


def _object(type_: GraphQLInputObjectType) -> Coercer:
    if type_.is_one_of:  # rare; graphql-core's own function knows the rule
        from graphql.utilities import coerce_input_value

        return lambda value: coerce_input_value(value, type_)
    # Per field: its out name and its coercer, looked up when first needed (so that a
    # type may refer to itself). The fields that matter when left out: the required
    # ones and those with a default.
    fields = type_.fields
    out_names = {name: field.out_name or name for name, field in fields.items()}
    absent = [
        (name, out_names[name], is_required_input_field(field), field)
        for name, field in fields.items()
        if is_required_input_field(field) or field.default is not None or field.default_value is not Undefined
    ]
    coercers: dict[str, Coercer] = {}
    out_type = type_.out_type

    def coerce(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if not isinstance(value, dict):
            return Undefined
        # The given fields in the order given (graphql-core: the type's order; the
        # dictionaries are equal), then what the left-out ones need.
        result: dict[str, Any] = {}
        for name, field_value in value.items():
            if field_value is Undefined:
                continue
            coercer = coercers.get(name)
            if coercer is None:
                if name not in fields:
                    return Undefined
                coercer = coercers[name] = coercer_of(fields[name].type)[0]
            coerced = coercer(field_value)
            if coerced is Undefined:
                return Undefined
            result[out_names[name]] = coerced
        for name, out_name, required, field in absent:
            if value.get(name, Undefined) is Undefined:
                if required:
                    return Undefined
                default = coerce_default_value(field)
                if default is not Undefined:
                    result[out_name] = default
        return out_type(result)

    return coerce
