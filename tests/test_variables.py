"""mo.graphapi.variables coerces every variable value to what graphql-core's own
coercion gives, ``Undefined`` included, and leaves every error to graphql-core."""

from __future__ import annotations

from functools import cache
from typing import Any

import graphql.execution.executor as graphql_executor
import pytest
from graphql.execution.values import get_variable_values as generic_variable_values
from graphql.type import is_required_input_field
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    Undefined,
    coerce_input_value,
    parse,
)
from mo.graphapi import variables
from mo.graphapi.schema import get_schema

SCHEMA = get_schema()._schema
INPUTS = sorted(
    (t for t in SCHEMA.type_map.values() if isinstance(t, GraphQLInputObjectType)), key=lambda t: t.name
)

#: Values each scalar accepts, and values it should refuse.
GOOD: dict[str, list[Any]] = {
    "UUID": ["5f2a1f3e-9d0c-4b4e-8f51-3c0a6f1e2d7b", "5F2A1F3E9D0C4B4E8F513C0A6F1E2D7B"],
    "Date": ["2021-03-04", "2021-03-04T00:00:00+01:00"],
    "DateTime": ["2021-03-04T05:06:07+01:00", "2021-03-04"],
    "CPR": ["0101701234"],
    "String": ["x", ""],
    "ID": ["x", 7],
    "Int": [3, -1],
    "int": [5],
    "Float": [1.5, 2],
    "Boolean": [True, False],
    "Cursor": ["abc"],
    "EventToken": ["MS4y"],
}
BAD: list[Any] = ["not it", 1.25, 10**40, True, {}, [], {"a": 1}, "2021-02-30", "12345"]


@cache
def values(type_: GraphQLInputType, bad: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for ``type_``: with ``bad``, any leaf may be of the wrong kind and any
    object may name a field the type does not have; without, only the shape of the
    value varies (nulls, left-out fields, a single item for a list)."""
    wrong = st.sampled_from([None, *BAD])
    if isinstance(type_, GraphQLNonNull):
        inner = values(type_.of_type, bad, depth)
        return st.one_of(inner, st.just(None)) if bad else inner
    if isinstance(type_, GraphQLList):
        item = values(type_.of_type, bad, depth + 1)
        return st.one_of(st.lists(item, max_size=3), item, st.just(None))
    if isinstance(type_, GraphQLEnumType):
        good = st.sampled_from(list(type_.values))
    elif isinstance(type_, GraphQLScalarType):
        good = st.sampled_from(GOOD.get(type_.name, ["x"]))
    else:
        assert isinstance(type_, GraphQLInputObjectType)
        if depth > 2:
            return st.just(None)
        required = {n: values(f.type, bad, depth + 1) for n, f in type_.fields.items() if is_required_input_field(f)}
        optional = {n: values(f.type, bad, depth + 1) for n, f in type_.fields.items() if n not in required}
        good = st.fixed_dictionaries(required, optional=optional)
        if bad:
            first = next(iter(type_.fields))
            unknown = good.map(lambda d: {**d, "no_such_field": 1})
            undefined = good.map(lambda d: {**d, first: Undefined})
            return st.one_of(good, unknown, undefined, wrong)
    return st.one_of(good, good, wrong) if bad else good


WRAPPED = {
    t.name: [t, GraphQLNonNull(t), GraphQLList(GraphQLNonNull(t)), GraphQLNonNull(GraphQLList(t))] for t in INPUTS
}


@pytest.mark.parametrize("name", sorted(WRAPPED))
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_input_type_coerces_as_graphql_core_does(name: str, data: st.DataObject) -> None:
    type_ = data.draw(st.sampled_from(WRAPPED[name]))
    value = data.draw(values(type_, data.draw(st.booleans())))
    expected = coerce_input_value(value, type_)
    got = variables.coercer_of(type_)[0](value)
    assert (got is Undefined) == (expected is Undefined), (type_, value, expected, got)
    assert got == expected


def test_the_generated_values_reach_both_outcomes() -> None:
    """The property above sees values that coerce, with more than the required
    fields, and values that do not (derandomised: the same examples every run)."""
    engagement = SCHEMA.type_map["EngagementUpdateInput"]
    outcomes = {"coerced": 0, "coerced with optional fields": 0, "refused": 0}

    @settings(max_examples=200, deadline=None, derandomize=True)
    @given(bad=st.booleans(), data=st.data())
    def count(bad: bool, data: st.DataObject) -> None:
        value = data.draw(values(engagement, bad))
        got = variables.coercer_of(engagement)[0](value)
        if got is Undefined:
            outcomes["refused"] += 1
        else:
            outcomes["coerced"] += 1
            outcomes["coerced with optional fields"] += isinstance(got, dict) and len(got) > 2

    count()
    assert all(n > 0 for n in outcomes.values()), outcomes


BULK = "mutation ($input: [EngagementUpdateInput!]!) { engagements_update(input: $input) { uuid } }"
FILTERED = (
    "query ($filter: EngagementFilter, $limit: int = 5)"
    " { engagements(filter: $filter, limit: $limit) { objects { uuid } } }"
)
UUID = "5f2a1f3e-9d0c-4b4e-8f51-3c0a6f1e2d7b"


def _both(document: str, inputs: dict[str, Any]) -> tuple[Any, Any]:
    nodes = parse(document).definitions[0].variable_definitions  # type: ignore[attr-defined]
    return generic_variable_values(SCHEMA, nodes, inputs), variables.get_variable_values(SCHEMA, nodes, inputs)


def _messages(result: Any) -> list[str]:
    assert isinstance(result, list)
    return [error.message for error in result]


def test_a_bulk_input_gives_graphql_cores_values_and_sources() -> None:
    days = [f"2030-01-{d:02}" for d in range(1, 29)]
    inputs = {"input": [{"uuid": UUID, "job_function": UUID, "validity": {"from": day}} for day in days]}
    generic, fast = _both(BULK, inputs)
    assert fast.coerced == generic.coerced
    assert fast.coerced["input"][3]["validity"]["from"].day == 4
    assert {name: source.value for name, source in fast.sources.items()} == {"input": inputs["input"]}


@pytest.mark.parametrize(
    "inputs",
    [
        {"input": [{"uuid": UUID, "validity": {"from": "2030-01-01"}, "typo": 1}]},
        {"input": [{"uuid": "not a uuid", "validity": {"from": "2030-01-01"}}]},
        {"input": [{"validity": {"from": "2030-01-01"}}]},
        {"input": None},
        {},
    ],
    ids=["unknown field", "bad uuid", "required field missing", "null", "missing variable"],
)
def test_errors_are_graphql_cores_own(inputs: dict[str, Any]) -> None:
    generic, fast = _both(BULK, inputs)
    assert _messages(fast) == _messages(generic)
    assert _messages(fast)


def test_defaults_and_left_out_nullable_variables_are_graphql_cores() -> None:
    generic, fast = _both(FILTERED, {})
    assert fast.coerced == generic.coerced == {"limit": 5}
    generic, fast = _both(FILTERED, {"filter": {"uuids": [UUID]}, "limit": 2})
    assert fast.coerced == generic.coerced
    assert fast.coerced["limit"] == 2


def test_a_self_referring_filter_nested_too_deeply_is_refused_as_graphql_core_refuses_it() -> None:
    assert variables.coercer_of(SCHEMA.type_map["OrganisationUnitFilter"])[1] is None  # refers to itself
    assert variables.coercer_of(SCHEMA.type_map["EngagementUpdateInput"])[1] == 2
    deep: dict[str, Any] = {"uuids": [UUID]}
    for _ in range(250):
        deep = {"parent": deep}
    document = "query ($filter: OrganisationUnitFilter) { org_units(filter: $filter) { objects { uuid } } }"
    generic, fast = _both(document, {"filter": deep})
    assert _messages(fast) == _messages(generic) == ["Variable values are nested too deeply."]
    shallow: dict[str, Any] = {"uuids": [UUID]}
    for _ in range(150):  # deep, but within graphql-core's limit
        shallow = {"parent": shallow}
    generic, fast = _both(document, {"filter": shallow})
    assert fast.coerced == generic.coerced


def test_the_schema_runs_on_this_coercion() -> None:
    assert graphql_executor.get_variable_values is variables.get_variable_values
    assert not isinstance(variables.get_variable_values(SCHEMA, (), {}), GraphQLError)


def test_a_cached_documents_signatures_are_made_once() -> None:
    [node] = parse(BULK).definitions[0].variable_definitions  # type: ignore[attr-defined]
    first = variables._signature(SCHEMA, node)
    assert variables._signature(SCHEMA, node) is first
    [other] = parse(BULK).definitions[0].variable_definitions  # type: ignore[attr-defined]
    assert variables._signature(SCHEMA, other) is not first
    assert str(variables._signature(SCHEMA, other).type) == str(first.type) == "[EngagementUpdateInput!]!"
