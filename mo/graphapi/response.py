"""The containers every object type shares: Response, Paged, Registration.

``Response`` is an object across time (its ``current`` version, its
``validities``, its ``registrations``); ``Paged`` is a page of them. They are made
per object type by ``response_types`` so each type gets OS2mo's names.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Optional
from uuid import UUID

import strawberry
from strawberry import UNSET
from strawberry.types import Info

from bitemporal import Interval
from mo.graphapi import joined
from mo.graphapi.context import context
from mo.graphapi.fast import SLOW, Fast, Prefetch, lean, no_arguments, pruned
from mo.graphapi.filters.inputs import ModelsUuidsBoundRegistrationFilter
from mo.graphapi.loaders import ALL_TIME, MISSING
from mo.graphapi.records import Record, ResponseValue
from mo.graphapi.scalars import Cursor, DateTime, LimitInt
from mo.graphapi.window import Window, resolve
from mo.timezone import day_of


@strawberry.type(description="Where the next page of a listing starts.")
class PageInfo:
    next_cursor: Optional[Cursor] = strawberry.field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


@strawberry.type(description="The days a version holds: from its first day up to, not including, `to`.")
class Validity:
    from_: DateTime = strawberry.field(name="from", description="The first day (local midnight).")
    to: Optional[DateTime] = strawberry.field(description="The day after the last day; null: no end.")


@strawberry.type(description="Validity that may be open at both ends.")
class OpenValidity:
    from_: Optional[DateTime] = strawberry.field(name="from", description="The first day; null: no start.")
    to: Optional[DateTime] = strawberry.field(description="The day after the last day; null: no end.")


@strawberry.interface(description="Who made a change.")
class Actor:
    uuid: UUID = strawberry.field(description="The actor's uuid (the token's subject, or a service account).")


@strawberry.type(description="An actor known by uuid only.")
class UnknownActor(Actor):
    pass


@strawberry.interface(description="One registration: a change the registry learned, when and from whom.")
class RegistrationBase:
    registration_id: int = strawberry.field(
        description="The registration's number.", deprecation_reason="Registrations are identified by time."
    )
    start: DateTime = strawberry.field(description="When the registration was made.")
    end: Optional[DateTime] = strawberry.field(description="When a later registration replaced it; null if current.")
    actor: UUID = strawberry.field(description="Who made it.", deprecation_reason="Use actor_object.")
    model: str = strawberry.field(description="The object type, e.g. `org_unit`.")
    uuid: UUID = strawberry.field(description="The object registered.")
    note: Optional[str] = strawberry.field(description="The note given with the change, if any.")

    @strawberry.field(description="Who made it.")
    def actor_object(self) -> Actor:
        return UnknownActor(uuid=self.actor)


@strawberry.interface(description="A registration in the audit log, of any object type.")
class IRegistration(RegistrationBase):
    pass


#: model -> its IRegistration type, for the audit log
AUDIT_TYPES: dict[str, type] = {}

#: OS2mo's audit type names where they differ from the object type's name
AUDIT_NAMES = {"person": "Person"}


def _window_of(root: Any) -> Window:
    window = root.window
    assert isinstance(window, Window)
    return window


async def load_versions(info: Info, model: str, uuid: UUID, window: Window) -> list[Record]:
    return await context(info).loaders.versions(model).load((uuid, window))


def response_types(model: str, version: type, name: str, title: str) -> tuple[type, type, type]:
    """The ``<name>Response``, ``<name>ResponsePaged`` and ``<name>ResponseRegistration`` types."""

    async def current_at(info: Info, uuid: UUID, at: Any, registration_time: Any, default: Window) -> Any:
        found = await load_versions(info, model, *_current_key(info, uuid, at, registration_time, default))
        return found[0] if found else None

    async def validities_in(info: Info, uuid: UUID, start: Any, end: Any, registration_time: Any, default: Window) -> Any:
        return await load_versions(info, model, *_validities_key(info, uuid, start, end, registration_time, default))

    @strawberry.type(name=f"{name}ResponseRegistration", description=f"A registration of a {title}.")
    class Registration(RegistrationBase):
        @strawberry.field(description=f"The {title}'s version valid at `at` (default: now), as registered then.")
        async def current(self, info: Info, at: Optional[DateTime] = UNSET) -> Optional[version]:  # type: ignore[valid-type]
            return await current_at(info, self.uuid, at, None, Window(context(info).default_window.interval, self.start))

        @strawberry.field(description=f"The {title}'s versions in `[start, end)`, as registered then.")
        async def validities(
            self, info: Info, start: Optional[DateTime] = UNSET, end: Optional[DateTime] = UNSET
        ) -> list[version]:  # type: ignore[valid-type]
            return await validities_in(info, self.uuid, start, end, None, Window(Interval(), self.start))

    @strawberry.type(name=f"{AUDIT_NAMES.get(model, name)}Registration", description=f"A registration of a {title}.")
    class AuditRegistration(IRegistration):
        @strawberry.field(description=f"The {title}'s version valid at `at` (default: now), as registered then.")
        async def current(self, info: Info, at: Optional[DateTime] = UNSET) -> Optional[version]:  # type: ignore[valid-type]
            return await current_at(info, self.uuid, at, None, Window(context(info).default_window.interval, self.start))

        @strawberry.field(description=f"The {title}'s versions in `[start, end)`, as registered then.")
        async def validities(
            self, info: Info, start: Optional[DateTime] = UNSET, end: Optional[DateTime] = UNSET
        ) -> list[version]:  # type: ignore[valid-type]
            return await validities_in(info, self.uuid, start, end, None, Window(Interval(), self.start))

    AUDIT_TYPES[model] = AuditRegistration

    @strawberry.type(name=f"{name}Response", description=f"A {title} across time.")
    class Response:
        uuid: UUID = strawberry.field(description=f"The {title}'s uuid.")

        @strawberry.field(description="The version valid at `at` (default: now), as registered at `registration_time`.")
        async def current(
            self, info: Info, at: Optional[DateTime] = UNSET, registration_time: Optional[DateTime] = None
        ) -> Optional[version]:  # type: ignore[valid-type]
            return await current_at(info, self.uuid, at, registration_time, _window_of(self))

        @strawberry.field(
            description=(
                "The versions overlapping `[start, end)`; null bounds are open. Without arguments, the window of "
                "the filter that found the object (by default: now)."
            )
        )
        async def validities(
            self,
            info: Info,
            start: Optional[DateTime] = UNSET,
            end: Optional[DateTime] = UNSET,
            registration_time: Optional[DateTime] = None,
        ) -> list[version]:  # type: ignore[valid-type]
            return await validities_in(info, self.uuid, start, end, registration_time, _window_of(self))

        @strawberry.field(description="Use validities.", deprecation_reason="Use validities instead.")
        async def objects(
            self,
            info: Info,
            start: Optional[DateTime] = UNSET,
            end: Optional[DateTime] = UNSET,
            registration_time: Optional[DateTime] = None,
        ) -> list[version]:  # type: ignore[valid-type]
            return await validities_in(info, self.uuid, start, end, registration_time, _window_of(self))

        lean(current, *_lean_versions(model, _current_of, first=True), reads=())
        lean(validities, *_lean_versions(model, _validities_of, first=False), reads=())
        lean(objects, *_lean_versions(model, _validities_of, first=False), reads=())

        @strawberry.field(description=f"The registrations of the {title}, newest first.")
        async def registrations(
            self,
            info: Info,
            filter: Optional[ModelsUuidsBoundRegistrationFilter] = None,  # noqa: A002
            limit: Optional[LimitInt] = None,
            cursor: Optional[Cursor] = None,
        ) -> list[Registration]:
            return await object_registrations(info, model, self.uuid, filter, Registration)

        lean(registrations, *_lean_registrations(model, Registration), reads=())

    @strawberry.type(name=f"{name}ResponsePaged", description=f"A page of {title}s.")
    class Paged:
        objects: list[Response] = strawberry.field(description=f"The {title}s on this page.")
        page_info: PageInfo = strawberry.field(description="Where the next page starts.")

    return Response, Paged, Registration


def _current_key(info: Any, uuid: UUID, at: Any, registration_time: Any, default: Window) -> tuple[UUID, Window]:
    day = info.context.today if at in (UNSET, None) else day_of(at)
    rt = registration_time if registration_time not in (UNSET, None) else default.registration_time
    return uuid, _day_window(day, rt)


@lru_cache(maxsize=1024)
def _day_window(day: date, registration_time: datetime | None) -> Window:
    """The one-day window (shared: a page asks for the same one per object)."""
    return Window(Interval.day(day), registration_time)


def _validities_key(
    info: Any, uuid: UUID, start: Any, end: Any, registration_time: Any, default: Window
) -> tuple[UUID, Window]:
    rt = registration_time if registration_time not in (UNSET, None) else default.registration_time
    today = context(info).today
    return uuid, resolve(start, end, today, default=default, registration_time=rt, start_name="start", end_name="end")


LeanKey = Callable[[Any, ResponseValue, dict[str, Any]], tuple[UUID, Window]]


def _lean_versions(model: str, key: LeanKey, first: bool) -> tuple[Fast, Prefetch]:
    """``Response.current`` (``first``: the first version or null) or ``validities``
    (all of them) from the loaders (see mo.graphapi.fast); ``key`` is the field's loader key."""

    def pick(found: list[Record]) -> Any:
        return (found[0] if found else None) if first else found

    def fast(source: Any, info: Any, arguments: dict[str, Any], columns: frozenset[str] | None = None) -> Any:
        if type(source) is not ResponseValue:
            return SLOW
        found = info.context.loaders.versions(model, columns).peek(key(info, source, arguments))
        return SLOW if found is MISSING else pick(found)

    async def prefetch(
        info: Any, parents: list[Any], arguments: dict[str, Any], columns: frozenset[str] | None = None
    ) -> list[Any] | None:
        keys = [key(info, parent, arguments) for parent in parents if type(parent) is ResponseValue]
        await context(info).loaders.versions(model, columns).load_many(keys)
        return []  # the values come from ``fast`` (mo.graphapi.fast.prefetch)

    if first:
        joined.declare(fast, joined.Current(model, key))
    return pruned(fast, prefetch)


def _current_of(info: Any, source: ResponseValue, arguments: dict[str, Any]) -> tuple[UUID, Window]:
    at, registration_time = arguments.get("at", UNSET), arguments.get("registration_time")
    return _current_key(info, source.uuid, at, registration_time, source.window)


def _validities_of(info: Any, source: ResponseValue, arguments: dict[str, Any]) -> tuple[UUID, Window]:
    start, end = arguments.get("start", UNSET), arguments.get("end", UNSET)
    return _validities_key(info, source.uuid, start, end, arguments.get("registration_time"), source.window)


async def object_registrations(info: Info, model: str, uuid: UUID, flt: Any, cls: type) -> list[Any]:
    """The registrations of the ``model`` object ``uuid`` as ``cls`` objects, newest first."""
    rows = await context(info).loaders.registrations(model).load((uuid, ALL_TIME))
    return _registrations(rows, model, uuid, flt, cls)


def _registrations(rows: list[Any], model: str, uuid: UUID, flt: Any, cls: type) -> list[Any]:
    result = []
    for row, after in zip(rows, [*rows[1:], None], strict=True):
        registration_id, time, actor, note = row
        item = cls(
            registration_id=registration_id,
            start=time,
            end=after[1] if after is not None else None,
            actor=actor,
            model=model,
            uuid=uuid,
            note=note,
        )
        if flt is not None and not _matches(item, flt):
            continue
        result.append(item)
    result.reverse()
    return result


def _lean_registrations(model: str, cls: type) -> tuple[Fast, Prefetch]:
    """``Response.registrations`` without arguments, from the loaders (see mo.graphapi.fast):
    a listing reads the registrations of all its objects in one statement."""

    def fast(source: Any, info: Any, arguments: dict[str, Any]) -> Any:
        if type(source) is not ResponseValue or not no_arguments(arguments):
            return SLOW
        rows = info.context.loaders.registrations(model).peek((source.uuid, ALL_TIME))
        return SLOW if rows is MISSING else _registrations(rows, model, source.uuid, None, cls)

    async def prefetch(info: Any, parents: list[Any], arguments: dict[str, Any]) -> list[Any] | None:
        if not no_arguments(arguments):
            return None
        keys = [(parent.uuid, ALL_TIME) for parent in parents if type(parent) is ResponseValue]
        await context(info).loaders.registrations(model).load_many(keys)
        return []  # the values come from ``fast``

    return fast, prefetch


def _matches(item: Any, flt: Any) -> bool:
    if flt.actors is not None and item.actor not in flt.actors:
        return False
    if flt.start is not None and item.start < flt.start:
        return False
    return flt.end is None or item.start <= flt.end

