"""Queries answered from their plans alone, past the GraphQL executor.

A small lookup (one person, one unit) reads two or three short statements; what
costs is the machinery around them: strawberry's request (its extensions, the
execution context, argument conversion, permission classes) and graphql-core's
execution of the root field. A query whose every root field is a listing that
``mo.graphapi.joined`` plans (or ``__typename``) is compiled once per document:
parsed with the same token limit, validated with the same rules as strawberry
does (``mo.graphapi.schema``), each root field's plan made. A request for it then
only coerces its variables (as graphql-core does: `mo.graphapi.variables`), checks each root
field's permission, converts its arguments as strawberry does, and runs the plans
in the request's transaction (``joined.listing``).

Whatever this does not cover is answered by strawberry as before: another
operation, a directive, a fragment at the root, a field a plan does not cover,
variables that do not coerce, a permission the caller lacks, and any error on the
way. For those the request is run again from the start by strawberry, which
reports the error as it always does; this path never answers with an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from graphql.execution.values import get_argument_values
from graphql.utilities import get_operation_ast
from strawberry.schema.schema import validate_document
from strawberry.types.arguments import StrawberryArgument

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    OperationDefinitionNode,
    OperationType,
    VariableDefinitionNode,
    parse,
    specified_rules,
)
from mo.auth.permissions import READ_CPR, declared, nodes_touch_cpr
from mo.graphapi import joined
from mo.graphapi.arguments import convert_arguments
from mo.graphapi.schema import LIMITS, MAX_TOKENS
from mo.graphapi.variables import get_variable_values

log = logging.getLogger(__name__)

ENABLED = True
"""Whether queries that plans cover skip the executor (tests compare both paths)."""

#: the strawberry field behind a graphql-core field (strawberry's schema converter sets it)
DEFINITION = "strawberry-definition"


@dataclass(frozen=True, slots=True)
class Root:
    """A root field of the query: ``__typename`` (``plan`` None) or a planned listing."""

    key: str
    node: FieldNode
    field: GraphQLField | None
    arguments: list[StrawberryArgument]
    model: str
    permission: str
    plan: joined.Plan | None


@dataclass(frozen=True, slots=True)
class Operation:
    """A query document compiled: what a request for it runs."""

    name: str | None
    variables: tuple[VariableDefinitionNode, ...]
    fragments: dict[str, FragmentDefinitionNode]
    roots: tuple[Root, ...]
    schema: Any


#: (id(schema), document, operation name) -> the compiled operation, or None
_OPERATIONS: dict[tuple[int, str, str | None], Operation | None] = {}


def operation_of(schema: Any, query: str, operation_name: str | None) -> Operation | None:
    """The compiled query, or None when it is not one this path answers (made once per document)."""
    if not (ENABLED and joined.ENABLED):
        return None
    key = (id(schema), query, operation_name)
    try:
        return _OPERATIONS[key]
    except KeyError:
        pass
    try:
        compiled = _compile(schema, query, operation_name)
    except joined.Unsupported:
        compiled = None
    except Exception:  # a bug here must not fail the request: strawberry answers it
        log.exception("could not compile a query for the planned path; strawberry answers it")
        compiled = None
    if len(_OPERATIONS) >= 256:
        _OPERATIONS.clear()
    _OPERATIONS[key] = compiled
    return compiled


def _compile(schema: Any, query: str, operation_name: str | None) -> Operation | None:
    graphql_schema = schema._schema
    try:
        document = parse(query, max_tokens=MAX_TOKENS)
    except GraphQLError:
        return None
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation != OperationType.QUERY or operation.directives:
        return None
    if validate_document(graphql_schema, document, (*specified_rules, *LIMITS)):
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    roots = _roots(schema, operation, fragments)
    if roots is None:
        return None
    name = operation.name.value if operation.name is not None else None
    return Operation(name, tuple(operation.variable_definitions or ()), fragments, roots, graphql_schema)


def _roots(schema: Any, operation: OperationDefinitionNode, fragments: dict[str, Any]) -> tuple[Root, ...] | None:
    query_type = schema._schema.query_type
    roots: list[Root] = []
    keys: set[str] = set()
    for node in operation.selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives:
            return None  # fragments and directives at the root: the executor's
        key = (node.alias or node.name).value
        if key in keys:
            return None  # one key asked twice: graphql-core merges the fields
        keys.add(key)
        name = node.name.value
        if name == "__typename":
            roots.append(Root(key, node, None, [], "", "", None))
            continue
        field = query_type.fields.get(name)
        if field is None:
            return None  # __schema, __type: introspection is the executor's
        definition = field.extensions.get(DEFINITION)
        resolver = getattr(getattr(definition, "base_resolver", None), "wrapped_func", None)
        model = getattr(resolver, "__mo_listing__", None)
        permission = declared(definition)
        if model is None or permission is None:
            return None
        site = _Site(schema._schema, fragments, node, field)
        plan = joined.plan_for(site, model)
        if plan is None:
            return None
        roots.append(Root(key, node, field, definition.arguments, model, permission, plan))
    return tuple(roots)


class _Site:
    """What a plan is made from: a root field's place in the document."""

    __slots__ = ("schema", "fragments", "field_nodes", "return_type")

    def __init__(self, schema: Any, fragments: dict[str, Any], node: FieldNode, field: GraphQLField) -> None:
        self.schema = schema
        self.fragments = fragments
        self.field_nodes = [node]
        self.return_type = field.type


async def answer(operation: Operation, ctx: Any, variables: dict[str, Any] | None, strawberry_schema: Any) -> Any:
    """The query's ``data`` in the request ``ctx``, or None when strawberry must
    answer it (bad variables, a missing permission, data a plan gives up on)."""
    coerced = get_variable_values(operation.schema, operation.variables, variables or {}, max_errors=1)
    if isinstance(coerced, list):
        return None
    values = coerced.coerced
    principal = ctx.principal
    converter = strawberry_schema.schema_converter
    calls: list[tuple[Root, dict[str, Any], Any]] = []
    for root in operation.roots:
        if root.plan is None:
            continue
        if not principal.can(root.permission):
            return None
        if not principal.can(READ_CPR) and nodes_touch_cpr([root.node], values, operation.fragments):
            return None
        assert root.field is not None
        arguments = get_argument_values(root.field, root.node, coerced)
        if arguments:
            arguments = convert_arguments(
                arguments, root.arguments, scalar_registry=converter.scalar_registry, config=strawberry_schema.config
            )
        keyed = joined.keyed_listing(
            ctx, root.plan, arguments.get("filter"), arguments.get("limit"), arguments.get("cursor"), coerced
        )
        calls.append((root, arguments, keyed))
    # every listing's filter a prepared statement's conditions: only prepared statements, on the driver connection
    ctx.driver_only = all(keyed is not None for _, _, keyed in calls)
    ctx.alone = len(calls) == 1  # its statements may bring their own transaction (``RequestContext.batch``)
    data: dict[str, Any] = {}
    for root in operation.roots:
        if root.plan is None:
            data[root.key] = "Query"
    for root, arguments, keyed in calls:
        value = await joined.listing(
            ctx,
            root.plan,  # type: ignore[arg-type]
            root.model,
            root.node.name.value,
            arguments.get("filter"),
            arguments.get("limit"),
            arguments.get("cursor"),
            coerced,
            keyed,
        )
        if value is None:
            return None
        data[root.key] = value
    return {root.key: data[root.key] for root in operation.roots}
