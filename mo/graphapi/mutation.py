"""Mutations: create, update, terminate and delete for every object type.

The resolvers only translate inputs; ``mo.service.writes`` holds every rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

import strawberry
from sqlalchemy import insert, select
from strawberry import UNSET
from strawberry.types import Info

from bitemporal import Interval
from mo.auth.permissions import needs
from mo.db.tables import organisation
from mo.graphapi import inputs as i
from mo.graphapi.context import context
from mo.graphapi.fast import precomplete, prefetch
from mo.graphapi.records import ResponseValue
from mo.graphapi.types.engagement import EngagementResponse
from mo.graphapi.types.organisation import Organisation, load_organisation
from mo.model import MODELS
from mo.service import writes
from mo.service.errors import InvalidInterval, MOError
from mo.timezone import validity_day

#: input field -> model field, per object type
FIELDS: dict[str, dict[str, str]] = {
    "facet": {"user_key": "user_key", "published": "published"},
    "class": {
        name: name
        for name in (
            "name", "user_key", "facet_uuid", "scope", "published", "parent_uuid",
            "example", "owner", "it_system_uuid", "description",
        )
    },
    "person": {
        name: name
        for name in ("user_key", "nickname_given_name", "nickname_surname", "seniority", "cpr_number", "given_name", "surname")
    },
    "org_unit": {
        "name": "name",
        "user_key": "user_key",
        "parent": "parent_uuid",
        "org_unit_type": "unit_type_uuid",
        "time_planning": "time_planning_uuid",
        "org_unit_level": "org_unit_level_uuid",
        "org_unit_hierarchy": "org_unit_hierarchy_uuid",
    },
    "address": {
        "user_key": "user_key", "org_unit": "org_unit_uuid", "employee": "person_uuid", "person": "person_uuid",
        "engagement": "engagement_uuid", "ituser": "ituser_uuid", "visibility": "visibility_uuid",
        "value": "value", "value2": "value2", "address_type": "address_type_uuid",
    },
    "association": {
        "user_key": "user_key", "primary": "primary_uuid", "employee": "person_uuid", "person": "person_uuid",
        "substitute": "substitute_uuid", "trade_union": "trade_union_uuid", "org_unit": "org_unit_uuid",
        "association_type": "association_type_uuid",
    },
    "leave": {"user_key": "user_key", "person": "person_uuid", "engagement": "engagement_uuid", "leave_type": "leave_type_uuid"},
    "manager": {
        "user_key": "user_key", "employee": "person_uuid", "person": "person_uuid", "responsibility": "responsibilities",
        "engagement": "engagement_uuid", "org_unit": "org_unit_uuid", "manager_level": "manager_level_uuid",
        "manager_type": "manager_type_uuid",
    },
    "itsystem": {"user_key": "user_key", "name": "name"},
    "ituser": {
        "external_id": "external_id", "binding_type": "binding_type", "primary": "primary_uuid", "person": "person_uuid",
        "org_unit": "org_unit_uuid", "engagement": "engagement_uuids", "engagements": "engagement_uuids",
        "user_key": "user_key", "itsystem": "itsystem_uuid",
    },
    "rolebinding": {"user_key": "user_key", "org_unit": "org_unit_uuid", "ituser": "ituser_uuid", "role": "role_uuid"},
    "kle": {"user_key": "user_key", "org_unit": "org_unit_uuid", "kle_aspects": "kle_aspects", "kle_number": "kle_number_uuid"},
    "related_unit": {"origin": "org_unit_uuid", "destination": "other_org_unit_uuid"},
    "owner": {
        "user_key": "user_key", "org_unit": "org_unit_uuid", "person": "person_uuid", "owner": "owner_uuid",
        "inference_priority": "inference_priority",
    },
    "engagement": {
        "user_key": "user_key",
        "primary": "primary_uuid",
        "fraction": "fraction",
        **{f"extension_{n}": f"extension_{n}" for n in range(1, 11)},
        "employee": "person_uuid",
        "person": "person_uuid",
        "org_unit": "org_unit_uuid",
        "engagement_type": "engagement_type_uuid",
        "job_function": "job_function_uuid",
    },
}


def input_name(model: str, field: str | None) -> str | None:
    """The input field a client used for a model field (the current name, not an alias)."""
    names = [attr for attr, target in FIELDS[model].items() if target == field]
    return names[-1] if names else field


@contextmanager
def client_names(model: str) -> Iterator[None]:
    """Report errors under the input's field names."""
    try:
        yield
    except MOError as error:
        if error.field is not None:
            renamed = input_name(model, error.field)
            error.message = error.message.replace(f"{error.field}:", f"{renamed}:", 1)
            error.args = (error.message,)
            error.field = renamed
        raise


@contextmanager
def listed() -> Iterator[None]:
    """Say which item of a list input an error is about, in the message and ``extensions.index``."""
    try:
        yield
    except MOError as error:
        if error.index is not None:
            error.message = f"{error.message} (input item {error.index})"
            error.args = (error.message,)
            error.extensions = {**(error.extensions or {}), "index": error.index}
        raise


def values_of(model: str, data: Any, *, keep_null: bool) -> dict[str, Any]:
    """The model values an input sets. ``keep_null``: an explicit null clears."""
    values: dict[str, Any] = {}
    for attr, field, wrap in _INPUT_FIELDS[model]:
        value = getattr(data, attr, UNSET)
        if value is UNSET:
            continue
        if value is None:
            if not keep_null or field in values:
                continue  # a deprecated alias left empty does not clear its replacement
        else:
            if isinstance(value, Enum):
                value = value.value
            if wrap:
                value = [value]
        values[field] = value
    return values


#: Per object type, ``FIELDS`` as (input field, model field, whether a single value
#: fills a list field: an IT user's one ``engagement``), for ``values_of``.
_INPUT_FIELDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    model: tuple((attr, field, attr == "engagement" and field == "engagement_uuids") for attr, field in fields.items())
    for model, fields in FIELDS.items()
}


def interval_of(validity: Any, *, start: str = "validity.from", end: str = "validity.to") -> Interval:
    first = validity_day(validity.from_, start)
    last = validity_day(validity.to, end)
    if first is not None and last is not None and last <= first:
        raise InvalidInterval(f"{end} must be after {start}", field=end)
    return Interval.of(first, last)


async def _create(info: Info, model: str, uuid: UUID | None, interval: Interval, values: Mapping[str, Any]) -> Any:
    ctx = context(info)
    with client_names(model):
        created = await writes.create(await ctx.writer(), MODELS[model], uuid, interval, values)
    return ResponseValue(created, ctx.default_window)


async def _update(info: Info, model: str, data: Any, *, replace: bool = False) -> Any:
    ctx = context(info)
    changes = values_of(model, data, keep_null=True)
    if replace:
        changes = {field: changes.get(field) for field in set(FIELDS[model].values())}
    with client_names(model):
        await writes.update(await ctx.writer(), MODELS[model], data.uuid, interval_of(data.validity), changes)
    return ResponseValue(data.uuid, ctx.default_window)


async def _terminate(info: Info, model: str, data: Any) -> Any:
    ctx = context(info)
    to = validity_day(data.to, "to")
    first = validity_day(data.from_, "from")
    if first is not None:
        if to is None or to <= first:
            raise InvalidInterval("to must be after from", field="to")
        interval = Interval(first, to)
    else:
        interval = Interval.of(to, None)
    with client_names(model):
        await writes.terminate(
            await ctx.writer(), MODELS[model], data.uuid, interval, vacate=bool(getattr(data, "vacate", False))
        )
    return ResponseValue(data.uuid, ctx.default_window)


async def _create_many(info: Info, model: str, items: list[Any]) -> list[Any]:
    """Create every item in one bulk write (``writes.create_many``)."""
    ctx = context(info)
    entries = []
    with listed(), client_names(model):
        for index, item in enumerate(items):
            with writes.at_item(index):
                entries.append((item.uuid, interval_of(item.validity), values_of(model, item, keep_null=False)))
        created = await writes.create_many(await ctx.writer(), MODELS[model], entries)
    window = ctx.default_window
    return await _answer(info, [ResponseValue(uuid, window) for uuid in created])


async def _update_many(info: Info, model: str, items: list[Any], *, replace: bool = False) -> list[Any]:
    """Apply every item, in list order, in one bulk write (``writes.update_many``)."""
    ctx = context(info)
    fields = set(FIELDS[model].values())
    entries = []
    with listed(), client_names(model):
        for index, item in enumerate(items):
            with writes.at_item(index):
                changes = values_of(model, item, keep_null=True)
                if replace:
                    changes = {field: changes.get(field) for field in fields}
                entries.append((item.uuid, interval_of(item.validity), changes))
        updated = await writes.update_many(await ctx.writer(), MODELS[model], entries)
    window = ctx.default_window
    return await _answer(info, [ResponseValue(uuid, window) for uuid in updated])


async def _answer(info: Info, values: list[ResponseValue]) -> Any:
    """A bulk write's answer: what its selection reads of the written objects is read
    in one batch per relation, and the list completed in one pass where the selection
    allows (as a listing's page: ``fast.prefetch``, ``fast.precomplete``)."""
    raw = info._raw_info
    await prefetch(raw, values)
    return precomplete(raw, values)


async def _delete(info: Info, model: str, uuid: UUID) -> Any:
    ctx = context(info)
    await writes.delete(await ctx.writer(), MODELS[model], uuid)
    return ResponseValue(uuid, ctx.default_window)


def crud(
    model: str,
    prefix: str,
    title: str,
    create: type,
    update: type,
    terminate: type,
    response: Any,
    *,
    replace: bool = False,
    always_valid: bool = False,
    describe: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The create/update/terminate/delete mutations of one type, from its inputs.

    ``replace``: an update replaces the whole version (classes and facets in v29).
    ``always_valid``: created with no start and no end (persons; their input has
    no validity). ``describe``: descriptions that say more than the generic ones.
    """

    async def do_create(self: Any, info: Info, input: Any) -> Any:  # noqa: A002
        interval = Interval() if always_valid else interval_of(input.validity)
        return await _create(info, model, input.uuid, interval, values_of(model, input, keep_null=False))

    async def do_update(self: Any, info: Info, input: Any) -> Any:  # noqa: A002
        return await _update(info, model, input, replace=replace)

    async def do_terminate(self: Any, info: Info, input: Any) -> Any:  # noqa: A002
        return await _terminate(info, model, input)

    async def do_delete(self: Any, info: Info, uuid: UUID) -> Any:
        return await _delete(info, model, uuid)

    do_create.__annotations__ = {"info": Info, "input": create, "return": response}
    do_update.__annotations__ = {"info": Info, "input": update, "return": response}
    do_terminate.__annotations__ = {"info": Info, "input": terminate, "return": response}
    do_delete.__annotations__ = {"info": Info, "uuid": UUID, "return": response}
    text = {
        "create": f"Create a {title}.",
        "update": f"Replace a {title}'s values over a validity." if replace else f"Change a {title} over a validity.",
        "terminate": f"End a {title}'s validity.",
        "delete": f"Delete a {title}; its history stays readable.",
        **(describe or {}),
    }
    resolvers = {"create": do_create, "update": do_update, "terminate": do_terminate, "delete": do_delete}
    return {
        f"{prefix}_{verb}": strawberry.mutation(
            resolver=resolver, description=text[verb], permission_classes=needs(f"{verb}_{model}")
        )
        for verb, resolver in resolvers.items()
    }


def _lazy_response(model: str) -> Any:
    from mo.graphapi.types.fields import lazy_type

    return lazy_type(model, "Response")


GENERATED: dict[str, Any] = {}
GENERATED.update(
    crud("facet", "facet", "facet", i.FacetCreateInput, i.FacetUpdateInput, i.FacetTerminateInput, _lazy_response("facet"), replace=True)
)
GENERATED.update(
    crud("class", "class", "class", i.ClassCreateInput, i.ClassUpdateInput, i.ClassTerminateInput, _lazy_response("class"), replace=True)
)
GENERATED.update(
    crud(
        "person", "employee", "person",
        i.EmployeeCreateInput, i.EmployeeUpdateInput, i.EmployeeTerminateInput, _lazy_response("person"),
        always_valid=True,
        describe={
            "create": "Create a person, valid with no start and no end.",
            "terminate": "End a person's validity and, with it, all their functions (future ones too); `vacate` leaves manager roles vacant instead.",
            "delete": "Delete a person (and their functions); the history stays readable.",
        },
    )
)
GENERATED.update(
    crud(
        "org_unit", "org_unit", "organisation unit",
        i.OrganisationUnitCreateInput, i.OrganisationUnitUpdateInput, i.OrganisationUnitTerminateInput, _lazy_response("org_unit"),
        describe={
            "update": "Change (rename, move, ...) a unit over a validity.",
            "terminate": "End a unit's validity; refused while it has children or functions on the days it loses.",
            "delete": "Delete a unit; refused while anything refers to it.",
        },
    )
)
GENERATED.update(
    crud(
        "engagement", "engagement", "engagement",
        i.EngagementCreateInput, i.EngagementUpdateInput, i.EngagementTerminateInput, _lazy_response("engagement"),
    )
)
for _model, _prefix, _name, _title in (
    ("address", "address", "Address", "address"),
    ("association", "association", "Association", "association"),
    ("leave", "leave", "Leave", "leave"),
    ("manager", "manager", "Manager", "manager role"),
    ("itsystem", "itsystem", "ITSystem", "IT system"),
    ("ituser", "ituser", "ITUser", "IT user"),
    ("rolebinding", "rolebinding", "RoleBinding", "role binding"),
    ("kle", "kle", "KLE", "KLE annotation"),
    ("owner", "owner", "Owner", "owner"),
):
    GENERATED.update(
        crud(
            _model, _prefix, _title,
            getattr(i, f"{_name}CreateInput"), getattr(i, f"{_name}UpdateInput"), getattr(i, f"{_name}TerminateInput"),
            _lazy_response(_model),
        )
    )


async def _related_units_update(self: Any, info: Info, input: i.RelatedUnitsUpdateInput) -> Any:  # noqa: A002
    from mo.graphapi.relations_writes import set_related_units

    ctx = context(info)
    with client_names("related_unit"):
        first = await set_related_units(await ctx.writer(), input.origin, input.destination or [], interval_of(input.validity))
    return ResponseValue(first or input.origin, ctx.default_window)


_related_units_update.__annotations__["return"] = _lazy_response("related_unit")
GENERATED["related_units_update"] = strawberry.mutation(
    resolver=_related_units_update,
    description="Set which units a unit is related to, from a date.",
    permission_classes=needs("update_related_unit"),
)


@strawberry.type(description="Every change to the registry.")
class Mutation:
    locals().update(GENERATED)

    @strawberry.mutation(description="Create the organisation root (once); returns the existing one if present.", permission_classes=needs("create_org"))
    async def org_create(self, info: Info, input: i.OrganisationCreate) -> Organisation:  # noqa: A002
        ctx = context(info)
        writer = await ctx.writer()
        if (await writer.conn.execute(select(organisation.c.uuid).limit(1))).first() is None:
            await writer.conn.execute(
                insert(organisation).values(
                    uuid=uuid4(), user_key="root", name="Organisation", municipality_code=input.municipality_code
                )
            )
        return await load_organisation(info)

    @strawberry.mutation(description="Create several engagements in one transaction.", permission_classes=needs("create_engagement"))
    async def engagements_create(self, info: Info, input: list[i.EngagementCreateInput]) -> list[EngagementResponse]:  # type: ignore[valid-type]  # noqa: A002
        return await _create_many(info, "engagement", input)

    @strawberry.mutation(description="Change several engagements in one transaction.", permission_classes=needs("update_engagement"))
    async def engagements_update(self, info: Info, input: list[i.EngagementUpdateInput]) -> list[EngagementResponse]:  # type: ignore[valid-type]  # noqa: A002
        return await _update_many(info, "engagement", input)

