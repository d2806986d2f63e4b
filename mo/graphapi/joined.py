"""A listing's whole selection answered from joined statements.

The loaders read one statement per relation level (``mo.graphapi.loaders``) and
build a version object for every row before the answer is completed from them
(``mo.graphapi.fast``). For a small page (one person, one unit) that machinery,
and a round trip per level, is most of the request. Here a listing's selection
is compiled once per document into a plan: one statement for the objects'
versions of the day with every to-one relation under them joined in, and one
more per to-many relation (the objects referring to them, with their own to-one
relations joined), nested as deep as the selection goes. Rows become the answer's
JSON directly.

What a plan covers is where relations need no choice between versions: a
version of one day (``current``, with or without ``at`` and
``registration_time``) and, under it, the deprecated relation fields without
arguments, which read "as of the same day" (``mo.graphapi.relations``): a target
or a referring object is its version valid that day, so each relation is a join
on "valid that day, as registered then"; fields computed from a version's own
values are computed by their own functions. Everything else (``validities``, the
``*_response`` fields, arguments on relations, fields that read more than the
version, directives) is left to the loaders: ``answer`` returns None, as it does when the data is odd
(a required relation whose target is not valid that day, a null where the
schema has none), and the ordinary path answers, with its own errors.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import count
from typing import Any
from uuid import UUID

from graphql.execution.values import VariableValues, get_argument_values
from sqlalchemy import Integer, Text, Uuid, and_, bindparam, select, type_coerce

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    get_named_type,
)
from mo.auth.access_log import note
from mo.auth.permissions import READ_CPR
from mo.db.direct import Prepared
from mo.db.engine import one_message
from mo.db.tables import TABLES
from mo.graphapi.collection import PagedValue, PageInfoValue, collection, listing_window, paged
from mo.graphapi.fast import Abort, _field_nodes, leaf
from mo.graphapi.filters.compiler import given
from mo.graphapi.loaders import bounds, in_list
from mo.graphapi.records import Record, ResponseValue
from mo.model import MODELS
from mo.timezone import midnight

log = logging.getLogger(__name__)

ENABLED = True
"""Whether listings use joined statements where they can (tests compare both paths)."""


# --- what relation fields declare (set on their lean resolvers by relations.py, response.py, fields.py) ---


@dataclass(frozen=True, slots=True)
class Current:
    """``Response.current``: the version of ``model`` at the day ``key`` gives
    (``key(info, source, arguments)`` -> (uuid, one-day window))."""

    model: str
    key: Callable[[Any, ResponseValue, dict[str, Any]], Any]


@dataclass(frozen=True, slots=True)
class Forward:
    """A forward relation's deprecated field: ``column`` holds the target's uuid."""

    model: str
    column: str
    many: bool
    required: bool


@dataclass(frozen=True, slots=True)
class Reverse:
    """A reverse relation's deprecated field: the ``model`` objects whose ``column`` is this one."""

    model: str
    column: str


@dataclass(frozen=True, slots=True)
class Column:
    """A field that shows a stored value of the version as it is (a ``*_uuid`` field)."""

    column: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A field that always shows ``value``."""

    value: Any


@dataclass(frozen=True, slots=True)
class Computed:
    """A field computed from stored values ``reads`` of the version alone: its
    resolver takes only the version (a ``Record`` whose ``values`` hold ``reads``)."""

    reads: tuple[str, ...]


Declaration = Current | Forward | Reverse | Column | Constant | Computed


def declare(resolver: Any, join: Declaration) -> Any:
    """Declare what the lean resolver (or, for ``Computed``, the strawberry field's
    function) ``resolver`` answers, for plans; returns ``resolver``."""
    target = getattr(getattr(resolver, "base_resolver", None), "wrapped_func", resolver)
    target.__mo_join__ = join
    return resolver


class Unsupported(Exception):
    """The selection holds something a plan does not cover."""


# --- plans ---


#: how one row (of a node's columns) or one object becomes a value of the answer
Entry = Callable[[Any, "Run"], Any]


class Node:
    """Versions of ``model`` shown with a selection: where their columns sit in
    their statement's rows, and how a row becomes the selection's JSON."""

    def __init__(self, model: str) -> None:
        self.model = model
        #: the model's stored fields read, in row order after uuid, valid_from, valid_to
        self.fields: list[str] = []
        #: where this node's columns start in its statement's rows (see ``Branch.layout``)
        self.offset = 0
        #: to-one relations joined into the same statement: (the field holding the target's uuid, target)
        self.joins: list[tuple[str, Node]] = []
        #: (response key, entry) in selection order
        self.entries: list[tuple[str, Entry]] = []
        #: to-many relations, each a statement of its own: (response key, branch)
        self.reverse: list[tuple[str, Branch]] = []
        #: the columns (0: uuid, 1, 2: the days, 3...: ``fields``) whose values an entry
        #: reads; the others are only shown as uuids or tested for null, so they are
        #: selected as the driver gives them (``Branch._build``)
        self.valued: set[int] = set()

    def column(self, name: str) -> int:
        """The position of stored field ``name`` among the node's columns (read from now on)."""
        if name not in self.fields:
            self.fields.append(name)
        return self.fields.index(name) + 3


#: a root statement's filter conditions: (parameter, column, whether one value)
Keys = tuple[tuple[str, str, bool], ...]


class Branch:
    """One statement: the versions, valid on the day, of ``node.model`` objects whose
    ``column`` (None: uuid) is one of the keys, with their to-one relations joined."""

    def __init__(self, node: Node, column: str | None) -> None:
        self.node = node
        self.column = column
        self._prepared: dict[tuple[bool, bool, bool, Keys | None], Prepared] = {}
        #: (id(parent statement), column, at a registration time, arrays) -> (parent, statement)
        self._under: dict[tuple[int, int, bool, bool], tuple[Prepared, Prepared]] = {}

    def layout(self) -> None:
        """Place each joined node's columns: after the key, depth first."""
        width = 1

        def place(node: Node) -> None:
            nonlocal width
            node.offset = width
            width += 3 + len(node.fields)
            for _, target in node.joins:
                place(target)

        place(self.node)

    def statement(self, at_registration_time: bool, array: bool, single: bool, keys: Keys | None = None) -> Prepared:
        """The statement for a list of keys (``:keys``) or, when ``single``, one key
        (``:key``): a plain equality, which PostgreSQL plans once for all runs, where
        with a list of unknown length it keeps planning each run anew.

        With ``keys`` (a root branch only), a listing's filter takes the list's place:
        each (parameter, column, single) is "the version's column is one of the
        parameter's values" (or equal to its one value); none: every object."""
        shape = (at_registration_time, array, single, keys)
        prepared = self._prepared.get(shape)
        if prepared is None:
            prepared = self._prepared[shape] = self._build(*shape)
        return prepared

    def under(self, parent: Prepared, column: int, at_registration_time: bool, array: bool) -> Prepared:
        """The statement whose keys are the values of ``parent``'s column ``c<column>``
        (a subquery): it needs no rows of the parent's to be sent, so a request's
        statements can all go to the server at once (``_read_batched``)."""
        shape = (id(parent), column, at_registration_time, array)
        found = self._under.get(shape)
        if found is None or found[0] is not parent:
            keys = select(parent.statement.subquery("parent").c[f"c{column}"])
            found = self._under[shape] = (parent, self._build(at_registration_time, array, False, None, keys))
        return found[1]

    def _build(
        self, at_registration_time: bool, array: bool, single: bool, keys: Keys | None, parent: Any = None
    ) -> Prepared:
        aliases = count(1)
        base = TABLES[self.node.model].alias(f"j{next(aliases)}")
        key = base.c.uuid if self.column is None else base.c[self.column]
        columns: list[Any] = [key]
        joined: Any = base

        def add(node: Node, table: Any) -> None:
            nonlocal joined
            assert node.offset == len(columns)
            secret = MODELS[node.model].secret_fields
            own = [table.c.uuid, table.c.valid_from, table.c.valid_to, *(table.c[name] for name in node.fields)]
            columns.extend(
                column if position in node.valued and column.name not in secret else type_coerce(column, _AS_READ)
                for position, column in enumerate(own)
            )
            for column, target in node.joins:
                other = TABLES[target.model].alias(f"j{next(aliases)}")
                on = and_(other.c.uuid == table.c[column], _live(other, at_registration_time))
                joined = joined.outerjoin(other, on)
                add(target, other)

        add(self.node, base)
        if parent is not None:
            chosen, batch = [key.in_(parent)], None
        elif keys is not None:
            assert self.column is None
            chosen, batch = _conditions(base, keys, array)
        else:
            chosen = [key == bindparam("key", type_=key.type) if single else in_list(key, "keys", array)]
            batch = None if single else "keys"
        statement = (
            select(*(column.label(f"c{number}") for number, column in enumerate(columns)))
            .select_from(joined)
            .where(*chosen, _live(base, at_registration_time))
            .order_by(key, base.c.uuid)
        )
        return Prepared(statement, batch=batch)


def _conditions(table: Any, keys: Keys, array: bool) -> tuple[list[Any], str | None]:
    """Each (parameter, column, single) of ``keys``: the column equals the value, or is
    one of the list; and the first list's parameter (``Prepared``'s ``batch``)."""
    conditions = [
        table.c[column] == bindparam(name, type_=table.c[column].type) if one else in_list(table.c[column], name, array)
        for name, column, one in keys
    ]
    return conditions, next((name for name, _, one in keys if not one), None)


_AS_READ = Text()
"""A column's type where its value is used as the driver reads it (no result
processor): a secret's stored text, a uuid only shown or a column only tested for
null. On SQLite a uuid is then its 32 stored hex digits (``_shown_uuid``)."""


def _live(table: Any, at_registration_time: bool) -> Any:
    """Valid on the day (``:start``, ``:end``) as registered at ``:rt`` (or now): the loaders' conditions."""
    return and_(*bounds(table, at_registration_time))


class Plan:
    """A listing field's selection: the page's entries, and a root branch per ``current`` field."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Entry]] = []
        #: (the field's first node, its declaration, its graphql field, its branch)
        self.currents: list[tuple[FieldNode, Current, Any, Branch]] = []
        self.branches: list[Branch] = []


class Run:
    """One request's run of a plan."""

    __slots__ = ("show_secrets", "pending")

    def __init__(self, show_secrets: bool) -> None:
        self.show_secrets = show_secrets
        #: branch -> (key, the answer to fill, response key) waiting for the branch's rows
        self.pending: dict[Branch, list[tuple[Any, dict[str, Any], str]]] = {}


_ASK = object()


class _Info:
    """What a ``Current`` key and ``collection`` read of their ``info``: the request."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


async def answer(info: GraphQLResolveInfo, model: str, flt: Any, limit: int | None, cursor: str | None) -> Any:
    """The listing field's completed value (its ``objects`` and ``page_info``) for the
    filter and page arguments, or None when a plan does not cover the selection or
    the data (the caller then reads the page itself)."""
    if not ENABLED:
        return None
    plan = plan_of(info, model)
    if plan is None:
        return None
    return await listing(info.context, plan, model, info.field_name, flt, limit, cursor, info.variable_values)


async def listing(
    ctx: Any,
    plan: Plan,
    model: str,
    field_name: str,
    flt: Any,
    limit: int | None,
    cursor: str | None,
    variables: Any,
    keyed: Keyed | None | object = _ASK,
) -> Any:
    """``answer`` with a plan made: the page of ``model`` objects that ``flt``,
    ``limit`` and ``cursor`` select (``mo.graphapi.collection``), as the root field
    ``field_name`` shows it; recorded for the access log when it answers.
    ``keyed``: what ``keyed_listing`` gave for the same arguments, if the caller asked."""
    if not isinstance(variables, VariableValues):
        variables = VariableValues({}, dict(variables or {}))
    array = ctx.engine.dialect.name == "postgresql"
    run = Run(ctx.principal.can(READ_CPR))
    try:
        if keyed is _ASK:
            keyed = keyed_listing(ctx, plan, flt, limit, cursor, variables)
        if isinstance(keyed, Keyed) and keyed.folded:
            found: dict[Any, dict[str, Any]] = {}
            if all(values for _, values in keyed.chosen):  # an empty list selects nothing
                root = plan.currents[0][3]
                small = sum(len(values) for _, values in keyed.chosen) <= BATCH_KEYS
                if array and ctx.alone and small and one_message(ctx.engine):
                    await _read_batched(ctx, root, keyed.window, found, run, keyed.chosen)
                else:
                    await _read(ctx, root, keyed.window, found, run, array, chosen=keyed.chosen)
            page = PagedValue([ResponseValue(uuid, keyed.window) for uuid in found], PageInfoValue(None))
            currents = [found]
        else:
            if isinstance(keyed, Keyed):
                page = await _keyed_page(ctx, model, keyed, limit, array)
            else:
                page = await collection(_Info(ctx), model, flt, limit, cursor)
            currents = await _currents(ctx, plan, page, variables, run, array)
        value = {key: entry((page, currents), run) for key, entry in plan.entries}
    except Abort:
        return None
    if ctx.log_reads:
        note(ctx, field_name, model, flt, page)
    return value


async def _currents(
    ctx: Any, plan: Plan, page: Any, variables: VariableValues, run: Run, array: bool
) -> list[dict[Any, dict[str, Any]]]:
    """Each ``current`` field's versions of the page's objects: uuid -> answer."""
    objects = page.objects
    currents: list[dict[Any, dict[str, Any]]] = []
    for node, declared, graphql_field, branch in plan.currents:
        found: dict[Any, dict[str, Any]] = {}
        currents.append(found)
        if objects:
            arguments = get_argument_values(graphql_field, node, variables) if node.arguments else {}
            _, window = declared.key(_Info(ctx), objects[0], arguments)
            await _read(ctx, branch, window, found, run, array, uuids=[obj.uuid for obj in objects])
    return currents


@dataclass(frozen=True, slots=True)
class Keyed:
    """A listing whose filter is (column, values) conditions on the versions
    (``_keyed``): its window and the uuid its page starts after
    (``collection.listing_window``), those conditions, and whether the page and
    its objects' versions come from the root statement alone (``folded``)."""

    window: Any
    after: UUID | None
    chosen: list[tuple[str, list[Any]]]
    folded: bool


def keyed_listing(
    ctx: Any, plan: Plan, flt: Any, limit: int | None, cursor: str | None, variables: Any
) -> Keyed | None:
    """The listing read by prepared statements alone, or None when its filter has a
    condition of another kind (``collection`` builds its statement).

    It is folded into the root statement, with the listing's filter in it, when
    that is the same page: when the whole listing is asked for (no ``limit`` or
    ``cursor``), its window is the one day ``current`` shows (as registered at
    the same time), and every condition is on the version's own values: an object
    is listed exactly when its version of that day matches, and that version is
    what ``current`` shows."""
    chosen = _keyed(flt)
    if chosen is None:
        return None
    window, after = listing_window(ctx, flt, cursor)
    if len(plan.currents) != 1 or limit is not None or cursor is not None:
        return Keyed(window, after, chosen, folded=False)
    if not isinstance(variables, VariableValues):
        variables = VariableValues({}, dict(variables or {}))
    node, declared, graphql_field, _ = plan.currents[0]
    arguments = get_argument_values(graphql_field, node, variables) if node.arguments else {}
    _, day = declared.key(_Info(ctx), ResponseValue(None, window), arguments)  # type: ignore[arg-type]
    return Keyed(window, after, chosen, folded=day == window)


def _window_parameters(window: Any) -> dict[str, Any]:
    """The parameters of ``_live``'s conditions: the window's days and registration time."""
    return {"rt": window.registration_time, "start": window.interval.start, "end": window.interval.end}


def _bound(chosen: list[tuple[str, list[Any]]], parameters: dict[str, Any]) -> Keys:
    """A filter's (column, values) as a statement's conditions, their values put in ``parameters``."""
    shape: list[tuple[str, str, bool]] = []
    for number, (column, values) in enumerate(chosen):
        name, one = f"f{number}", len(set(values)) == 1
        parameters[name] = values[0] if one else values
        shape.append((name, column, one))
    return tuple(shape)


async def _keyed_page(ctx: Any, model: str, keyed: Keyed, limit: int | None, array: bool) -> PagedValue:
    """``collection.collection`` for a filter of (column, values) conditions (``_keyed``):
    the same page, from a prepared statement."""
    window, after = keyed.window, keyed.after
    uuids: list[Any] = []
    if all(values for _, values in keyed.chosen):  # an empty list selects nothing
        parameters = _window_parameters(window)
        keys = _bound(keyed.chosen, parameters)
        if after is not None:
            parameters["after"] = after
        if limit is not None:
            parameters["limit"], parameters["offset"] = limit + 1, 0
        at = window.registration_time is not None
        statement = _listing(model, at, array, keys, after is not None, limit is not None)
        uuids = [row[0] for row in await ctx.execute(statement, parameters)]
    return paged(ctx, uuids, limit, window)


#: (model, at a registration time, arrays, conditions, after a uuid, limited) -> the listing's statement
_LISTINGS: dict[tuple[str, bool, bool, Keys, bool, bool], Prepared] = {}


def _listing(model: str, at_registration_time: bool, array: bool, keys: Keys, after: bool, limited: bool) -> Prepared:
    """The uuids, in order, of the ``model`` objects with a version in the window
    (``:start``, ``:end``, as registered at ``:rt``) that meets the conditions: the
    statement ``collection.collection`` builds for such a filter, prepared once."""
    shape = (model, at_registration_time, array, keys, after, limited)
    prepared = _LISTINGS.get(shape)
    if prepared is None:
        table = TABLES[model]
        conditions, batch = _conditions(table, keys, array)
        if after:
            conditions.append(table.c.uuid > bindparam("after", type_=table.c.uuid.type))
        statement = select(table.c.uuid).where(*conditions, _live(table, at_registration_time)).distinct()
        statement = statement.order_by(table.c.uuid)
        if limited:  # with an offset of its own: SQLite would add one as a literal, which a prepared statement lacks
            statement = statement.limit(bindparam("limit", type_=Integer()))
            statement = statement.offset(bindparam("offset", type_=Integer()))
        prepared = _LISTINGS[shape] = Prepared(statement, batch=batch)
    return prepared


def _keyed(flt: Any) -> list[tuple[str, list[Any]]] | None:
    """The filter's conditions as (column, values), when each is "the column is one
    of the values" (``filters.apply.keyed``); None when any is another kind."""
    chosen = []
    for spec, value in given(flt):
        keyed = getattr(spec.apply, "keyed", None)
        if keyed is None or value is None:
            return None
        column, transform = keyed
        chosen.append((column, list(value) if transform is None else transform(value)))
    return chosen


async def _read(
    ctx: Any,
    root: Branch,
    window: Any,
    found: dict[Any, dict[str, Any]],
    run: Run,
    array: bool,
    *,
    uuids: list[UUID] | None = None,
    chosen: list[tuple[str, list[Any]]] | None = None,
) -> None:
    """Read ``root`` for ``uuids`` (or, for a folded ``Keyed``, for a filter's (column,
    values)) into ``found`` (uuid -> answer), then every to-many branch under it,
    level by level, into the answers waiting for it."""
    parameters = _window_parameters(window)
    at = window.registration_time is not None
    if uuids is None:
        assert chosen is not None
        rows = await ctx.execute(root.statement(at, array, False, _bound(chosen, parameters)), parameters)
    else:
        rows = await _rows(ctx, root, at, array, parameters, uuids)
    node = root.node
    for row in rows:
        found[row[0]] = _complete(node, row, run)

    async def fetch(branch: Branch, waiting: list[tuple[Any, dict[str, Any], str]]) -> Any:
        keys = list(dict.fromkeys(parent for parent, _, _ in waiting))
        return await _rows(ctx, branch, at, array, parameters, keys)

    await _fill(run, fetch)


async def _fill(run: Run, fetch: Callable[[Branch, list[tuple[Any, dict[str, Any], str]]], Awaitable[Any]]) -> None:
    """Each to-many branch the answers so far wait for (``run.pending``), until none
    waits: its rows (``fetch(branch, waiting)``) completed and handed to each parent."""
    pending = run.pending
    while pending:
        branch, waiting = pending.popitem()
        rows = await fetch(branch, waiting)
        node = branch.node
        listed: dict[Any, list[dict[str, Any]]] = {}
        for row in rows:
            listed.setdefault(row[0], []).append(_complete(node, row, run))
        for parent, result, key in waiting:
            result[key] = listed.get(parent, [])


BATCH_KEYS = 50
"""A folded listing with at most this many filter values (or none: every object) is
read in one round trip on PostgreSQL (``_read_batched``); a longer list of keys,
level by level (``_read``): most of its branches' parents are then found by the
keys already, and a long literal list costs more to write than a round trip."""


async def _read_batched(
    ctx: Any, root: Branch, window: Any, found: dict[Any, dict[str, Any]], run: Run, chosen: list[tuple[str, list[Any]]]
) -> None:
    """``_read`` for a folded listing, on PostgreSQL, with every statement sent at
    once (``RequestContext.batch``): each to-many branch takes its keys from its
    parent statement as a subquery (``Branch.under``) rather than from its rows.
    The same rows, in one snapshot: the subquery selects the very keys the
    parent's rows hold. A branch no parent row asks for costs its statement anyway;
    hence only for short filters (``BATCH_KEYS``)."""
    parameters = _window_parameters(window)
    at = window.registration_time is not None
    statement = root.statement(at, True, False, _bound(chosen, parameters))
    statements: list[tuple[Branch, Prepared]] = [(root, statement)]
    _under(root.node, statement, at, statements)
    results = await ctx.batch([(prepared, parameters) for _, prepared in statements])
    rows_of = {branch: rows for (branch, _), rows in zip(statements, results, strict=True)}
    node = root.node
    for row in results[0]:
        found[row[0]] = _complete(node, row, run)

    async def fetch(branch: Branch, waiting: Any) -> Any:
        return rows_of[branch]  # the rows of every parent the batch read; each waiting parent takes its own

    await _fill(run, fetch)


def _under(node: Node, parent: Prepared, at: bool, statements: list[tuple[Branch, Prepared]]) -> None:
    """Every to-many branch below ``node`` (of ``parent``'s rows) and its joined
    nodes, each with the statement keyed by ``parent``, depth first."""
    for _, branch in node.reverse:
        prepared = branch.under(parent, node.offset, at, True)
        statements.append((branch, prepared))
        _under(branch.node, prepared, at, statements)
    for _, target in node.joins:
        _under(target, parent, at, statements)


async def _rows(
    ctx: Any, branch: Branch, at: bool, array: bool, parameters: dict[str, Any], keys: list[Any]
) -> Any:
    if len(keys) == 1:
        return await ctx.execute(branch.statement(at, array, True), {**parameters, "key": keys[0]})
    return await ctx.execute(branch.statement(at, array, False), {**parameters, "keys": keys})


def _complete(node: Node, row: Any, run: Run) -> dict[str, Any]:
    """The answer for one version (``node``'s columns of ``row``); its to-many
    relations are left to fill (``run.pending``)."""
    result = {key: entry(row, run) for key, entry in node.entries}
    for key, branch in node.reverse:
        run.pending.setdefault(branch, []).append((row[node.offset], result, key))
    return result


#: (id(schema), id(operation), id(the listing's field node)) -> (the operation, its plan or None)
_PLANS: dict[tuple[int, int, int], tuple[Any, Plan | None]] = {}


def plan_of(info: GraphQLResolveInfo, model: str) -> Plan | None:
    """The plan of ``info``'s listing field (None: the selection holds what a plan
    does not cover), made once per document (cached as ``fast.demand`` is)."""
    operation = info.operation
    # by schema too: a parsed document is shared by schemas (the tests' plain one has no declarations)
    key = (id(info.schema), id(operation), id(info.field_nodes[0]))
    found = _PLANS.get(key)
    if found is not None and found[0] is operation:
        return found[1]
    try:
        plan = plan_for(info, model)
    except Exception:  # a planning bug must not fail the request: the ordinary path answers it
        log.exception("could not plan a joined listing; answering it through the loaders")
        plan = None
    if len(_PLANS) >= 256:
        _PLANS.clear()
    _PLANS[key] = (operation, plan)
    return plan


def plan_for(site: Any, model: str) -> Plan | None:
    """The plan of a listing field of ``model`` (None: one is not possible), made
    anew; ``site`` gives the field's ``schema``, ``fragments``, ``field_nodes`` and
    ``return_type``, as a ``GraphQLResolveInfo`` does."""
    try:
        return _Builder(site, model).listing()
    except (Unsupported, Abort):
        return None


class _Builder:
    def __init__(self, info: Any, model: str) -> None:
        self.info = info
        self.schema = info.schema
        self.fragments = info.fragments
        self.model = model
        self.plan = Plan()

    def grouped(self, graphql_type: GraphQLObjectType, nodes: list[FieldNode]) -> list[tuple[str, list[FieldNode]]]:
        """The response keys selected by ``nodes`` on ``graphql_type``, with their
        field nodes (merged as graphql-core merges them). ``fast._field_nodes``
        raises ``Abort`` at directives and fragments only graphql-core handles."""
        grouped: dict[str, list[FieldNode]] = {}
        for node in nodes:
            if node.selection_set is None:
                raise Unsupported
            for field_node in _field_nodes(node.selection_set, graphql_type, self.fragments, self.schema):
                grouped.setdefault((field_node.alias or field_node.name).value, []).append(field_node)
        return list(grouped.items())

    def listing(self) -> Plan:
        info = self.info
        if any(node.directives for node in info.field_nodes):
            raise Unsupported
        paged = _object_type(info.return_type)
        plan = self.plan
        for key, nodes in self.grouped(paged, list(info.field_nodes)):
            name = nodes[0].name.value
            if name == "__typename":
                plan.entries.append((key, _constant(paged.name)))
            elif name == "objects" and not _arguments(nodes):
                plan.entries.append((key, self.objects(paged.fields[name], nodes)))
            elif name == "page_info" and not _arguments(nodes):
                plan.entries.append((key, self.page_info(paged.fields[name], nodes)))
            else:
                raise Unsupported
        for branch in plan.branches:
            branch.layout()
        return plan

    def leaves(self, field: Any, nodes: list[FieldNode], entry_of: Callable[[str, Any], Entry]) -> Entry:
        """An object of leaf fields (``page_info``, ``validity``): each field's entry
        from ``entry_of(name, graphql field)``, which raises ``Unsupported`` for others."""
        object_type = _object_type(field.type)
        entries: list[tuple[str, Entry]] = []
        for key, field_nodes in self.grouped(object_type, nodes):
            name = field_nodes[0].name.value
            if name == "__typename":
                entries.append((key, _constant(object_type.name)))
            elif _arguments(field_nodes) or name not in object_type.fields:
                raise Unsupported
            else:
                entries.append((key, entry_of(name, object_type.fields[name])))
        return lambda source, run: {key: entry(source, run) for key, entry in entries}

    def page_info(self, field: Any, nodes: list[FieldNode]) -> Entry:
        def entry_of(name: str, leaf_field: Any) -> Entry:
            if name != "next_cursor":
                raise Unsupported
            complete = _leaf(leaf_field.type)
            return lambda source, run: complete(source[0].page_info.next_cursor)

        return self.leaves(field, nodes, entry_of)

    def objects(self, field: Any, nodes: list[FieldNode]) -> Entry:
        """The page's objects: each one's uuid and ``current`` version(s)."""
        response = _object_type(field.type)
        entries: list[tuple[str, Entry]] = []
        for key, field_nodes in self.grouped(response, nodes):
            name = field_nodes[0].name.value
            graphql_field = response.fields.get(name)
            declared = _declared(graphql_field)
            if name == "__typename":
                entries.append((key, _constant(response.name)))
            elif name == "uuid" and not _arguments(field_nodes):
                complete = _leaf(graphql_field.type)
                entries.append((key, lambda source, run, complete=complete: complete(source[0].uuid)))
            elif type(declared) is Current and declared.model == self.model:
                node = Node(declared.model)
                self.version(node, _object_type(graphql_field.type), field_nodes)
                branch = self.branch(node, None)
                number = len(self.plan.currents)
                self.plan.currents.append((field_nodes[0], declared, graphql_field, branch))
                entries.append((key, _current(number, graphql_field.type)))
            else:
                raise Unsupported

        def listed(source: Any, run: Run) -> Any:
            page, currents = source
            return [{key: entry((obj, currents), run) for key, entry in entries} for obj in page.objects]

        return listed

    def branch(self, node: Node, column: str | None) -> Branch:
        branch = Branch(node, column)
        self.plan.branches.append(branch)
        return branch

    def version(self, node: Node, version_type: GraphQLObjectType, nodes: list[FieldNode]) -> None:
        """How ``node``'s rows become the JSON of the selections ``nodes`` on ``version_type``."""
        model = MODELS[node.model]
        stored, secret = set(model.field_names), set(model.secret_fields)
        for key, field_nodes in self.grouped(version_type, nodes):
            name = field_nodes[0].name.value
            if name == "__typename":
                node.entries.append((key, _constant(version_type.name)))
                continue
            field = version_type.fields.get(name)
            if field is None or _arguments(field_nodes):
                raise Unsupported
            attribute = getattr(field.resolve, "__mo_attribute__", None)
            guarded = getattr(field.resolve, "__mo_guarded__", None)
            declared = _declared(field)
            if attribute == "uuid":
                node.entries.append((key, self.shown(node, 0, field.type)))
            elif attribute == "validity":
                node.entries.append((key, self.validity(node, field, field_nodes)))
            elif attribute in stored:
                position = node.column(attribute)
                if attribute in secret:
                    node.entries.append((key, _secret(node, position, _leaf(field.type))))
                else:
                    node.entries.append((key, self.shown(node, position, field.type)))
            elif guarded is not None and guarded[0] in stored:
                column, permission = guarded
                if permission != READ_CPR:
                    raise Unsupported
                node.entries.append((key, _guarded(node, node.column(column), _leaf(field.type))))
            elif type(declared) is Column and declared.column in stored:
                node.entries.append((key, self.shown(node, node.column(declared.column), field.type)))
            elif type(declared) is Constant:
                node.entries.append((key, _constant(_leaf(field.type)(declared.value))))
            elif type(declared) is Computed and stored.issuperset(declared.reads) and secret.isdisjoint(declared.reads):
                compute = field.resolve.__mo_compute__
                positions = [(name, node.column(name)) for name in declared.reads]
                node.valued.update((0, *(position for _, position in positions)))  # a Record: uuid and values
                node.entries.append((key, _computed(node, positions, compute, _leaf(field.type))))
            elif type(declared) is Forward and declared.column in stored:
                target = Node(declared.model)
                self.version(target, _object_type(field.type), field_nodes)
                position = node.column(declared.column)
                node.joins.append((declared.column, target))
                node.entries.append((key, _forward(node, position, declared, target, field.type)))
            elif type(declared) is Reverse:
                target = Node(declared.model)
                self.version(target, _object_type(field.type), field_nodes)
                node.reverse.append((key, self.branch(target, declared.column)))
                node.valued.add(0)  # the key of the referring objects' rows
                node.entries.append((key, _constant(None)))  # the key's place; filled by ``_read``
            else:
                raise Unsupported

    def shown(self, node: Node, position: int, graphql_type: Any) -> Entry:
        """A stored value shown as it is (completed as its leaf type): a uuid column
        shown as a ``UUID`` straight from the driver's value (``_shown_uuid``), any
        other read as SQLAlchemy's result would give it."""
        complete = _leaf(graphql_type)
        table = TABLES[node.model]
        column = table.c.uuid if position == 0 else table.c[node.fields[position - 3]] if position > 2 else None
        if column is not None and isinstance(column.type, Uuid) and get_named_type(graphql_type).name == "UUID":
            return _shown_uuid(node, position, complete)
        node.valued.add(position)
        return _value(node, position, complete)

    def validity(self, node: Node, field: Any, nodes: list[FieldNode]) -> Entry:
        """``validity { from to }``: the version's days as local midnights."""

        def entry_of(name: str, bound: Any) -> Entry:
            attribute = getattr(bound.resolve, "__mo_attribute__", None)
            if attribute not in ("from_", "to"):
                raise Unsupported
            position = 1 if attribute == "from_" else 2
            node.valued.add(position)
            return _midnight(node, position, _leaf(bound.type))

        return self.leaves(field, nodes, entry_of)


def _arguments(nodes: list[FieldNode]) -> bool:
    return any(node.arguments for node in nodes)


def _object_type(graphql_type: Any) -> GraphQLObjectType:
    named = get_named_type(graphql_type)
    if not isinstance(named, GraphQLObjectType):
        raise Unsupported
    return named


def _leaf(graphql_type: Any) -> Callable[[Any], Any]:
    """How a value of a scalar or enum field is completed; ``Unsupported`` for any other type."""
    if isinstance(graphql_type, GraphQLNonNull):
        return leaf(graphql_type.of_type, nullable=False)
    if not isinstance(graphql_type, (GraphQLScalarType, GraphQLEnumType)):
        raise Unsupported
    return leaf(graphql_type, nullable=True)


def _declared(field: Any) -> Any:
    """What a field's resolver declares it answers (``declare``), if anything."""
    resolve = getattr(field, "resolve", None)
    declared = getattr(resolve, "__mo_join__", None)
    return declared if declared is not None else getattr(getattr(resolve, "__mo_fast__", None), "__mo_join__", None)


# --- entries: each turns a row (a node's columns at ``node.offset``) or an object into a value ---


def _constant(value: Any) -> Entry:
    return lambda source, run: value


def _value(node: Node, position: int, complete: Callable[[Any], Any]) -> Entry:
    def entry(row: Any, run: Run) -> Any:
        return complete(row[node.offset + position])

    return entry


def _shown_uuid(node: Node, position: int, complete: Callable[[Any], Any]) -> Entry:
    """A uuid column shown as a ``UUID`` from the driver's value, unprocessed: on
    SQLite the 32 lower-case hex digits SQLAlchemy's ``Uuid`` stores, dashed as
    ``str(UUID)`` would give them, without making the ``UUID`` first; anything
    else (PostgreSQL's ``UUID``, null, another spelling) as the leaf completes it."""

    def entry(row: Any, run: Run) -> Any:
        value = row[node.offset + position]
        if type(value) is str:
            if len(value) == 32 and value.islower():
                return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
            value = UUID(value)
        return complete(value)

    return entry


def _secret(node: Node, position: int, complete: Callable[[Any], Any]) -> Entry:
    """A secret stored value: read as stored, shown decrypted (as ``records.Sealed`` is)."""
    from mo.security.cpr import decrypt

    def entry(row: Any, run: Run) -> Any:
        value = row[node.offset + position]
        return complete(None if value is None else decrypt(value))

    return entry


def _guarded(node: Node, position: int, complete: Callable[[Any], Any]) -> Entry:
    """A CPR number: shown to callers with ``read_cpr``, null to others (``mo.auth.cpr``)."""
    secret = _secret(node, position, complete)

    def entry(row: Any, run: Run) -> Any:
        return secret(row, run) if run.show_secrets else complete(None)

    return entry


def _computed(
    node: Node, positions: list[tuple[str, int]], compute: Callable[[Record], Any], complete: Callable[[Any], Any]
) -> Entry:
    """A value computed by the field's own function from a version holding the values it reads."""

    def entry(row: Any, run: Run) -> Any:
        offset = node.offset
        values = {name: row[offset + position] for name, position in positions}
        try:
            value = compute(Record(row[offset], values, None, None))  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 - the ordinary path meets it again and reports it
            raise Abort from error
        return complete(value)

    return entry


def _midnight(node: Node, position: int, complete: Callable[[Any], Any]) -> Entry:
    def entry(row: Any, run: Run) -> Any:
        return complete(midnight(row[node.offset + position]))

    return entry


def _forward(node: Node, position: int, relation: Forward, target: Node, graphql_type: Any) -> Entry:
    """A forward relation: the target's version of the day, as ``relations.target_versions`` gives it."""
    many, required = relation.many, relation.required
    non_null = isinstance(graphql_type, GraphQLNonNull)

    def entry(row: Any, run: Run) -> Any:
        value: Any
        if row[node.offset + position] is None:
            value = ([] if required else None) if many else None
        elif row[target.offset] is None:  # the target is not valid that day
            if required and not many:
                raise Abort  # the ordinary path shows its latest version instead
            value = [] if many else None
        else:
            answer = _complete(target, row, run)
            value = [answer] if many else answer
        if value is None and non_null:
            raise Abort
        return value

    return entry


def _current(number: int, graphql_type: Any) -> Entry:
    """An object's ``current`` field: its version read by the plan's ``number``th root branch."""
    non_null = isinstance(graphql_type, GraphQLNonNull)

    def entry(source: Any, run: Run) -> Any:
        obj, currents = source
        value = currents[number].get(obj.uuid)
        if value is None and non_null:
            raise Abort
        return value

    return entry
