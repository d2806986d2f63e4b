"""Field factories: a relation is declared once and becomes OS2mo's fields.

For a relation ``org_unit`` over column ``org_unit_uuid`` OS2mo has up to four
fields: ``org_unit_response`` (the target across time), the deprecated
``org_unit`` (the target's versions), the deprecated ``org_unit_uuid`` and, for
reverse relations, pages of the referring objects. Every object type builds its
fields from these factories, so resolvers are written once, here.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from mo.graphapi import joined, relations
from mo.graphapi.fast import SLOW, lean, no_arguments
from mo.graphapi.loaders import MISSING
from mo.graphapi.records import Record
from mo.graphapi.relations import page_of, referring, referring_versions, to_response, to_version, to_versions
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.common import LAZY, RESPONSE_DEPRECATION, TYPE_DEPRECATION, UUID_DEPRECATION

FILTERS = "mo.graphapi.filters.inputs"

#: model -> (GraphQL type name, module under mo.graphapi.types)
TARGETS: dict[str, tuple[str, str]] = {
    "facet": ("Facet", "facet"),
    "class": ("Class", "klass"),
    "org_unit": ("OrganisationUnit", "org_unit"),
    "person": ("Employee", "person"),
    "engagement": ("Engagement", "engagement"),
    "address": ("Address", "address"),
    "association": ("Association", "association"),
    "leave": ("Leave", "leave"),
    "manager": ("Manager", "manager"),
    "itsystem": ("ITSystem", "itsystem"),
    "ituser": ("ITUser", "ituser"),
    "rolebinding": ("RoleBinding", "rolebinding"),
    "kle": ("KLE", "kle"),
    "related_unit": ("RelatedUnit", "related_unit"),
    "owner": ("Owner", "owner"),
}


def lazy_type(target: str, suffix: str = "") -> Any:
    name, module = TARGETS[target]
    return Annotated[name + suffix, strawberry.lazy(LAZY + module)]  # type: ignore[name-defined]


def lazy_filter(name: str) -> Any:
    return Optional[Annotated[name, strawberry.lazy(FILTERS)]]  # type: ignore[name-defined]  # noqa: UP045


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


def _field(resolver: Callable[..., Any], annotations: dict[str, Any], description: str, deprecation: str | None) -> StrawberryField:
    resolver.__annotations__ = annotations
    return strawberry.field(resolver=resolver, description=description, deprecation_reason=deprecation)


def _paging_args(filter_name: str) -> dict[str, Any]:
    return {"info": Info, "filter": lazy_filter(filter_name), "limit": Optional[LimitInt], "cursor": Optional[Cursor]}  # noqa: UP045


@dataclass(frozen=True, slots=True)
class Rel:
    """A reference from this type's ``column`` to a ``target`` object."""

    name: str
    column: str
    target: str
    description: str
    required: bool = False
    old: str | None = "list"
    """The deprecated field: "list" (versions), "one" (one version) or None."""
    old_required: bool = True
    uuid_field: str | None = None
    aliases: tuple[str, ...] = ()
    old_name: str | None = None
    """The deprecated field's name where OS2mo's differs from ``name``."""

    def fields(self) -> dict[str, StrawberryField]:
        result = {f"{self.name}_response": self._response()}
        if self.old is not None:
            for name in (self.old_name or self.name, *self.aliases):
                result[name] = self._old(name)
        if self.uuid_field is not None:
            result[self.uuid_field] = uuid_of(self.column, f"The {self.name}'s uuid.", self.required, self.name)
        return result

    def _response(self) -> StrawberryField:
        column = self.column

        def resolve(self: Any) -> Any:
            return to_response(_rec(self), column)

        lean(resolve, *relations.target_response(column), reads=(column,))
        kind = lazy_type(self.target, "Response")
        return _field(resolve, {"return": kind if self.required else Optional[kind]}, self.description, None)  # noqa: UP045

    def _old(self, name: str) -> StrawberryField:
        column, target, many = self.column, self.target, self.old == "list"
        filter_name = f"UuidsBound{TARGETS[target][0]}Filter"

        async def resolve(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
            record = _rec(self)
            if many:
                if not self_required and record.values.get(column) is None:
                    return None  # OS2mo: a nullable list relation with no target is null, not []
                return await to_versions(info, record, target, column)
            return await to_version(info, record, target, column, required=self_required)

        self_required = self.old_required
        lean(resolve, *relations.target_versions(target, column, many, self_required), reads=(column,))
        kind = lazy_type(target)
        returned = list[kind] if many else kind  # type: ignore[valid-type]
        if not self.old_required:
            returned = Optional[returned]  # noqa: UP045
        deprecation = RESPONSE_DEPRECATION.format(f"{self.name}_response")
        return _field(resolve, {**_paging_args(filter_name), "return": returned}, self.description, deprecation)


def uuid_of(column: str, description: str, required: bool, replacement: str) -> StrawberryField:
    def resolve(self: Any) -> Any:
        return _rec(self).values.get(column)

    def fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
        return source.values.get(column) if type(source) is Record else SLOW

    joined.declare(fast, joined.Column(column))
    lean(resolve, fast, reads=(column,))
    kind = UUID if required else Optional[UUID]  # noqa: UP045
    return _field(resolve, {"return": kind}, description, UUID_DEPRECATION.format(f"{replacement} {{uuid}}"))


def uuid_list(column: str, description: str, replacement: str) -> StrawberryField:
    def resolve(self: Any) -> Any:
        return list(_rec(self).values.get(column) or [])

    lean(
        resolve,
        lambda source, info, arguments: list(source.values.get(column) or []) if type(source) is Record else SLOW,
        reads=(column,),
    )
    return _field(resolve, {"return": list[UUID]}, description, UUID_DEPRECATION.format(f"{replacement} {{uuid}}"))


def constant_type(value: str) -> StrawberryField:
    def resolve(self: Any) -> str:
        return value

    def fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
        return value

    joined.declare(fast, joined.Constant(value))
    lean(resolve, fast, reads=())
    return _field(resolve, {"return": str}, f"Always `{value}`.", TYPE_DEPRECATION)


@dataclass(frozen=True, slots=True)
class Reverse:
    """Objects of ``model`` whose ``column`` points at this object."""

    name: str
    model: str
    column: str
    filter_name: str
    description: str
    old: bool = True
    response_name: str | None = None

    def fields(self) -> dict[str, StrawberryField]:
        model, column = self.model, self.column

        async def page(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
            return await referring(info, _rec(self), model, column, filter, limit, cursor)

        async def versions(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
            return await referring_versions(info, _rec(self), model, column, filter, limit, cursor)

        lean(page, *relations.referring_page(model, column), reads=())
        lean(versions, *relations.referring_version_list(model, column), reads=())
        response_name = self.response_name or f"{self.name}_response"
        result = {
            response_name: _field(
                page, {**_paging_args(self.filter_name), "return": lazy_type(model, "ResponsePaged")}, self.description, None
            )
        }
        if self.old:
            result[self.name] = _field(
                versions,
                {**_paging_args(self.filter_name), "return": list[lazy_type(model)]},  # type: ignore[misc]
                self.description,
                RESPONSE_DEPRECATION.format(response_name),
            )
        return result


def object_type(
    name: str,
    description: str,
    module: str,
    scalars: dict[str, tuple[Any, str]],
    parts: list[Rel | Reverse],
    extra: dict[str, StrawberryField] | None = None,
    kind: str | None = None,
) -> type:
    """A strawberry type ``name`` with plain ``scalars`` and the fields of ``parts``."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": module, "__doc__": description}
    for field_name, (annotation, text) in scalars.items():
        namespace["__annotations__"][field_name] = annotation
        namespace[field_name] = strawberry.field(description=text)
    for part in parts:
        namespace.update(part.fields())
    if kind is not None:
        namespace["type"] = constant_type(kind)
    namespace.update(extra or {})
    cls = strawberry.type(name=name, description=description)(type(name, (), namespace))
    setattr(sys.modules[module], name, cls)
    return cls


@dataclass(frozen=True, slots=True)
class RelList:
    """A set of references held in one uuid-list column."""

    name: str
    column: str
    target: str
    description: str
    filter_name: str
    response_name: str
    old_of_responses: bool = False
    """Whether the deprecated field lists Responses (IT users' engagements) or versions."""

    def fields(self) -> dict[str, StrawberryField]:
        from mo.graphapi.context import context

        column, target, responses = self.column, self.target, self.old_of_responses

        def listed(record: Record) -> Any:
            return page_of(record.values.get(column) or (), record.relation_window)

        async def page(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
            return listed(_rec(self))

        async def old(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
            items = listed(_rec(self)).objects
            if responses:
                return items
            found = await context(info).loaders.versions(target).load_many([(i.uuid, i.window) for i in items])
            return [version for versions in found for version in versions]

        def page_fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
            return listed(source) if type(source) is Record and no_arguments(arguments) else SLOW

        async def page_prefetch(info: Any, parents: list[Any], arguments: dict[str, Any]) -> list[Any] | None:
            # nothing to load: the values come from ``page_fast`` (mo.graphapi.fast.prefetch)
            return [] if no_arguments(arguments) else None

        def old_fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
            if type(source) is not Record or not no_arguments(arguments):
                return SLOW
            items = listed(source).objects
            if responses:
                return items
            loader = context(info).loaders.versions(target)
            result = []
            for item in items:
                versions = loader.peek((item.uuid, item.window))
                if versions is MISSING:
                    return SLOW
                result.extend(versions)
            return result

        async def old_prefetch(info: Any, parents: list[Any], arguments: dict[str, Any]) -> list[Any] | None:
            if not no_arguments(arguments):
                return None
            if not responses:
                items = [item for p in parents if type(p) is Record for item in listed(p).objects]
                await context(info).loaders.versions(target).load_many([(i.uuid, i.window) for i in items])
            return []  # the values come from ``old_fast``

        lean(page, page_fast, page_prefetch, reads=(column,))
        lean(old, old_fast, old_prefetch, reads=(column,))
        args = _paging_args(self.filter_name)
        old_type = lazy_type(target, "Response") if responses else lazy_type(target)
        return {
            self.response_name: _field(page, {**args, "return": lazy_type(target, "ResponsePaged")}, self.description, None),
            self.name: _field(
                old, {**args, "return": list[old_type]}, self.description, RESPONSE_DEPRECATION.format(self.response_name)  # type: ignore[valid-type]
            ),
        }
