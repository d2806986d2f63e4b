"""The event API: OS2mo v29's names and shapes over ``mo.events``.

Reads (``events``, ``event_namespaces``, ``event_listeners``) run in the request's
transaction. ``event_fetch`` claims its event in a short transaction of its own,
which commits whatever else the request does. Mutations write in the request's
transaction, like every other mutation.

The ``*_refresh`` mutations emit an event for every object a filter finds: to one
listener (``listener``), to one integration's listeners (``owner``), to one AMQP
exchange (``exchange``), or, with none of them, to everyone.
"""

# No ``from __future__ import annotations`` here: the refresh resolvers are built in
# a loop and strawberry must see their annotations as objects.

import base64
import json
from typing import Annotated, Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.auth.permissions import needs
from mo.events import DEFAULT_PRIORITY, MO_NAMESPACE, pull
from mo.events.outbox import deliver, emit, publish
from mo.graphapi.collection import collection
from mo.graphapi.context import context
from mo.graphapi.filters import inputs as filter_inputs
from mo.graphapi.response import PageInfo
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.shared import shared
from mo.model import MODELS
from mo.service.errors import InvalidInput

LIMIT = "How many to return at most; null: all."
CURSOR = "Pass `page_info.next_cursor` of the previous page to get the next one."


# Scalars, paging -----------------------------------------------------------------


EventToken = pull.Token

#: Our scalars, for ``StrawberryConfig(scalar_map=...)``.
EVENT_SCALARS = {
    pull.Token: strawberry.scalar(
        name="EventToken",
        description=(
            "Proof that an event was fetched: pass it to `event_acknowledge`. Opaque: do not build, "
            "parse or store one; it is only valid for the fetch that returned it."
        ),
        serialize=lambda token: token.encode(),
        parse_value=pull.Token.decode,
    )
}


def _encode(after: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": str(after)}).encode()).decode()


def _decode(cursor: Optional[str]) -> Optional[str]:
    if cursor is None:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"]
        assert isinstance(value, str)
        return value
    except (ValueError, KeyError, TypeError, AssertionError):
        raise InvalidInput("cursor: not a cursor from page_info.next_cursor", field="cursor") from None


def _page(rows: list[Any], limit: Optional[int], key: Any) -> tuple[list[Any], PageInfo]:
    """``rows`` was read with ``limit + 1``: cut it, and point at the next page."""
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        return rows, PageInfo(next_cursor=Cursor(_encode(key(rows[-1]))) if rows else None)
    return rows, PageInfo(next_cursor=None)


def _more(limit: Optional[int]) -> Optional[int]:
    return None if limit is None else limit + 1


# Filters -------------------------------------------------------------------------


@strawberry.input(description="Which namespaces to list; every given criterion must hold.")
@shared
class NamespaceFilter:
    names: Optional[list[str]] = strawberry.field(default=None, description="Only these names.")
    owners: Optional[list[UUID]] = strawberry.field(default=None, description="Only namespaces of these owners.")
    public: Optional[bool] = strawberry.field(
        default=None, description="Only public (true) or private (false) namespaces."
    )

    def match(self) -> pull.NamespaceMatch:
        return pull.NamespaceMatch(self.names, self.owners, self.public)


@strawberry.input(description="Which listeners; every given criterion must hold.")
@shared
class ListenerFilter:
    uuids: Optional[list[UUID]] = strawberry.field(default=None, description="Only these listeners.")
    user_keys: Optional[list[str]] = strawberry.field(default=None, description="Only listeners with these user keys.")
    owners: Optional[list[UUID]] = strawberry.field(default=None, description="Only listeners of these owners.")
    routing_keys: Optional[list[str]] = strawberry.field(
        default=None, description="Only listeners of these routing keys."
    )
    namespaces: Optional[NamespaceFilter] = strawberry.field(
        default=None, description="Only listeners in matching namespaces."
    )

    def match(self) -> pull.ListenerMatch:
        return pull.ListenerMatch(
            self.uuids,
            self.user_keys,
            self.owners,
            self.routing_keys,
            self.namespaces.match() if self.namespaces else None,
        )


@strawberry.input(description="Which listeners of a namespace.")
@shared
class NamespacesBoundListenerFilter:
    uuids: Optional[list[UUID]] = strawberry.field(default=None, description="Only these listeners.")
    user_keys: Optional[list[str]] = strawberry.field(default=None, description="Only listeners with these user keys.")
    owners: Optional[list[UUID]] = strawberry.field(default=None, description="Only listeners of these owners.")
    routing_keys: Optional[list[str]] = strawberry.field(
        default=None, description="Only listeners of these routing keys."
    )


@strawberry.input(description="Which pending events; every given criterion must hold.")
@shared
class FullEventFilter:
    listeners: Optional[ListenerFilter] = strawberry.field(
        default=None, description="Only events of matching listeners."
    )
    subjects: Optional[list[str]] = strawberry.field(default=None, description="Only events about these subjects.")
    priorities: Optional[list[int]] = strawberry.field(default=None, description="Only events of these priorities.")
    silenced: Optional[bool] = strawberry.field(
        default=None, description="Only silenced (true) or active (false) events."
    )

    def match(self) -> pull.EventMatch:
        return pull.EventMatch(
            self.listeners.match() if self.listeners else None, self.subjects, self.priorities, self.silenced
        )


@strawberry.input(description="Which pending events of a listener.")
@shared
class ListenersBoundFullEventFilter:
    subjects: Optional[list[str]] = strawberry.field(default=None, description="Only events about these subjects.")
    priorities: Optional[list[int]] = strawberry.field(default=None, description="Only events of these priorities.")
    silenced: Optional[bool] = strawberry.field(
        default=None, description="Only silenced (true) or active (false) events."
    )


@strawberry.input(description="Whose event to fetch.")
@shared
class EventFilter:
    listener: UUID = strawberry.field(description="The listener (it must be yours).")


# Types ---------------------------------------------------------------------------


@strawberry.type(
    description=(
        "An event namespace: a separate event system. The registry's own events are in the public "
        "namespace `mo`; integrations can declare their own and send events in them."
    )
)
@shared
class Namespace:
    name: str = strawberry.field(description="The namespace's name, its identifier.")
    owner: UUID = strawberry.field(description="Who declared it; only the owner can send events in it.")
    public: bool = strawberry.field(description="Whether others can declare listeners in it.")

    @strawberry.field(description="The namespace's listeners.")
    async def listeners(
        self,
        info: Info,
        filter: Optional[NamespacesBoundListenerFilter] = None,  # noqa: A002
        limit: Annotated[Optional[LimitInt], strawberry.argument(description=LIMIT)] = None,
        cursor: Annotated[Optional[Cursor], strawberry.argument(description=CURSOR)] = None,
    ) -> list["Listener"]:
        flt = filter or NamespacesBoundListenerFilter()
        match = pull.ListenerMatch(
            flt.uuids, flt.user_keys, flt.owners, flt.routing_keys, pull.NamespaceMatch(names=[self.name])
        )
        after = _decode(cursor)
        rows = await pull.listeners(context(info).execute, match, limit, UUID(after) if after else None)
        return [Listener.of(r) for r in rows]


@strawberry.type(description="An event listener: an integration's subscription to one routing key of a namespace.")
@shared
class Listener:
    uuid: UUID = strawberry.field(description="The listener's id; `event_fetch` takes it.")
    owner: UUID = strawberry.field(description="Who declared it; only the owner can fetch its events.")
    user_key: str = strawberry.field(
        description="The owner's name for it, unique per (namespace, owner); use several to listen to a key more than once."
    )
    routing_key: str = strawberry.field(
        description="The routing key it listens to (in `mo`: the object type, e.g. person)."
    )
    namespace_name: strawberry.Private[str]

    @classmethod
    def of(cls, row: pull.ListenerRow) -> "Listener":
        return cls(
            uuid=row.uuid,
            owner=row.owner,
            user_key=row.user_key,
            routing_key=row.routing_key,
            namespace_name=row.namespace,
        )

    @strawberry.field(description="The listener's pending events; use `event_fetch` to consume them.")
    async def events(
        self,
        info: Info,
        filter: Optional[ListenersBoundFullEventFilter] = None,  # noqa: A002
        limit: Annotated[Optional[LimitInt], strawberry.argument(description=LIMIT)] = None,
        cursor: Annotated[Optional[Cursor], strawberry.argument(description=CURSOR)] = None,
    ) -> list["FullEvent"]:
        flt = filter or ListenersBoundFullEventFilter()
        match = pull.EventMatch(pull.ListenerMatch(uuids=[self.uuid]), flt.subjects, flt.priorities, flt.silenced)
        after = _decode(cursor)
        rows = await pull.events(context(info).execute, match, limit, int(after) if after else None)
        return [FullEvent.of(r) for r in rows]

    @strawberry.field(description="The listener's namespace.")
    async def namespace(self, info: Info) -> Namespace:
        found = await pull.namespace(context(info).execute, self.namespace_name)
        assert found is not None
        return Namespace(name=found.name, owner=found.owner, public=found.public)


@strawberry.type(description="A pending event as a person inspects it; it has no token, so it cannot be acknowledged.")
@shared
class FullEvent:
    subject: str = strawberry.field(description="What the event is about; in `mo`, an object's uuid.")
    priority: int = strawberry.field(
        description=f"The event's priority: lower comes first; the default is {DEFAULT_PRIORITY}."
    )
    silenced: bool = strawberry.field(description="Whether the event is silenced; `event_fetch` skips silenced events.")
    listener_uuid: strawberry.Private[UUID]

    @classmethod
    def of(cls, row: pull.EventRow) -> "FullEvent":
        return cls(subject=row.subject, priority=row.priority, silenced=row.silenced, listener_uuid=row.listener_uuid)

    @strawberry.field(description="The listener that will receive the event.")
    async def listener(self, info: Info) -> Listener:
        found = await pull.listener(context(info).execute, self.listener_uuid)
        assert found is not None
        return Listener.of(found)


@strawberry.type(
    description=(
        "An event handed out by `event_fetch`: re-read the subject, act on it, then `event_acknowledge` the "
        "token, also when there was nothing to do. Unacknowledged events come back after a back-off; the same "
        "subject may come more than once, and in no particular order."
    )
)
@shared
class Event:
    subject: str = strawberry.field(description="What the event is about; in `mo`, an object's uuid.")
    priority: int = strawberry.field(description="The event's priority (lower comes first).")
    token: EventToken = strawberry.field(description="Acknowledge the event with this.")


@strawberry.type(description="A page of namespaces.")
@shared
class NamespacePaged:
    objects: list[Namespace] = strawberry.field(description="The namespaces on this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="A page of listeners.")
@shared
class ListenerPaged:
    objects: list[Listener] = strawberry.field(description="The listeners on this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="A page of pending events.")
@shared
class FullEventPaged:
    objects: list[FullEvent] = strawberry.field(description="The events on this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


@strawberry.type(description="A page of uuids.")
@shared
class UUIDPaged:
    objects: list[UUID] = strawberry.field(description="The uuids on this page.")
    page_info: PageInfo = strawberry.field(description="Where the next page starts.")


# Inputs --------------------------------------------------------------------------


@strawberry.input(description="Declare a namespace (idempotent: call it at start-up).")
@shared
class NamespaceCreateInput:
    name: str = strawberry.field(description="The namespace's name, its identifier.")
    public: bool = strawberry.field(default=False, description="Whether others can declare listeners in it.")


@strawberry.input(description="Delete a namespace.")
@shared
class NamespaceDeleteInput:
    name: str = strawberry.field(description="The namespace to delete; it must have no listeners.")


@strawberry.input(description="Declare a listener (idempotent: call it at start-up).")
@shared
class ListenerCreateInput:
    namespace: str = strawberry.field(
        default=MO_NAMESPACE, description="The namespace; `mo` (default) has the registry's events."
    )
    user_key: str = strawberry.field(
        description="Your name for the listener, unique among your listeners in the namespace."
    )
    routing_key: str = strawberry.field(
        description="The routing key to listen to; in `mo`, an object type such as `person`."
    )


@strawberry.input(description="Delete a listener.")
@shared
class ListenerDeleteInput:
    uuid: UUID = strawberry.field(description="The listener to delete.")
    delete_pending_events: bool = strawberry.field(
        default=False, description="Delete its pending events too; without it, a listener with pending events stays."
    )


@strawberry.input(description="Acknowledge a fetched event.")
@shared
class EventAcknowledgeInput:
    token: EventToken = strawberry.field(description="The token `event_fetch` returned.")


@strawberry.input(description="Send an event in a namespace of one's own.")
@shared
class EventSendInput:
    namespace: str = strawberry.field(description="The namespace (yours).")
    routing_key: str = strawberry.field(description="The routing key; listeners of this key get the event.")
    subject: str = strawberry.field(
        description=f"What the event is about: an identifier, at most {pull.MAX_SUBJECT} characters."
    )
    priority: int = strawberry.field(default=DEFAULT_PRIORITY, description="The event's priority; 1 is the highest.")


@strawberry.input(description="Silence events: `event_fetch` skips them until they are unsilenced.")
@shared
class EventSilenceInput:
    listeners: ListenerFilter = strawberry.field(description="Only events of matching listeners.")
    subjects: list[str] = strawberry.field(description="The subjects to silence.")


@strawberry.input(description="Unsilence every matching event.")
@shared
class EventUnsilenceInput:
    listeners: Optional[ListenerFilter] = strawberry.field(
        default=None, description="Only events of matching listeners."
    )
    subjects: Optional[list[str]] = strawberry.field(default=None, description="Only events about these subjects.")
    priorities: Optional[list[int]] = strawberry.field(default=None, description="Only events of these priorities.")


@strawberry.input(description="Deliver matching pending events again at once: forget their back-off.")
@shared
class EventRerunInput:
    listeners: Optional[ListenerFilter] = strawberry.field(
        default=None, description="Only events of matching listeners."
    )
    subjects: Optional[list[str]] = strawberry.field(default=None, description="Only events about these subjects.")
    priorities: Optional[list[int]] = strawberry.field(default=None, description="Only events of these priorities.")


def _event_match(flt: Any) -> pull.EventMatch:
    return pull.EventMatch(flt.listeners.match() if flt.listeners else None, flt.subjects, flt.priorities)


# Entry points --------------------------------------------------------------------


@strawberry.type(description="Reads of the event system.")
@shared
class EventQuery:
    @strawberry.field(
        permission_classes=needs("read_events"),
        description=(
            "Pending events, for people to inspect (they carry no token). "
            "Integrations consume events with `event_fetch`."
        )
    )
    async def events(
        self,
        info: Info,
        filter: Optional[FullEventFilter] = None,  # noqa: A002
        limit: Annotated[Optional[LimitInt], strawberry.argument(description=LIMIT)] = None,
        cursor: Annotated[Optional[Cursor], strawberry.argument(description=CURSOR)] = None,
    ) -> FullEventPaged:
        match = (filter or FullEventFilter()).match()
        after = _decode(cursor)
        rows = await pull.events(context(info).execute, match, _more(limit), int(after) if after else None)
        page, page_info = _page(rows, limit, lambda r: r.id)
        return FullEventPaged(objects=[FullEvent.of(r) for r in page], page_info=page_info)

    @strawberry.field(description="Event namespaces.", permission_classes=needs("read_event_namespaces"))
    async def event_namespaces(
        self,
        info: Info,
        filter: Optional[NamespaceFilter] = None,  # noqa: A002
        limit: Annotated[Optional[LimitInt], strawberry.argument(description=LIMIT)] = None,
        cursor: Annotated[Optional[Cursor], strawberry.argument(description=CURSOR)] = None,
    ) -> NamespacePaged:
        match = (filter or NamespaceFilter()).match()
        rows = await pull.namespaces(context(info).execute, match, _more(limit), _decode(cursor))
        page, page_info = _page(rows, limit, lambda r: r.name)
        return NamespacePaged(
            objects=[Namespace(name=r.name, owner=r.owner, public=r.public) for r in page], page_info=page_info
        )

    @strawberry.field(description="Event listeners.", permission_classes=needs("read_event_listeners"))
    async def event_listeners(
        self,
        info: Info,
        filter: Optional[ListenerFilter] = None,  # noqa: A002
        limit: Annotated[Optional[LimitInt], strawberry.argument(description=LIMIT)] = None,
        cursor: Annotated[Optional[Cursor], strawberry.argument(description=CURSOR)] = None,
    ) -> ListenerPaged:
        match = (filter or ListenerFilter()).match()
        after = _decode(cursor)
        rows = await pull.listeners(context(info).execute, match, _more(limit), UUID(after) if after else None)
        page, page_info = _page(rows, limit, lambda r: r.uuid)
        return ListenerPaged(objects=[Listener.of(r) for r in page], page_info=page_info)

    @strawberry.field(
        permission_classes=needs("fetch_event"),
        description=(
            "Take one event of your listener: the most urgent one that is neither silenced nor backing off; "
            "null when there is none. Acknowledge it with `event_acknowledge` once handled; until then it "
            "rests (3 minutes, growing to 17 hours) and comes back. Concurrent fetchers never get the same event."
        )
    )
    async def event_fetch(self, info: Info, filter: EventFilter) -> Optional[Event]:  # noqa: A002
        ctx = context(info)
        fetched = await pull.fetch(ctx.engine, ctx.actor, filter.listener, ctx.now)
        if fetched is None:
            return None
        return Event(subject=fetched.subject, priority=fetched.priority, token=fetched.token)


async def _conn(info: Info) -> Any:
    return (await context(info).writer()).conn


@strawberry.type(description="Changes to the event system.")
@shared
class EventMutation:
    @strawberry.mutation(
        description="Declare a namespace of your own; idempotent, so call it at start-up.",
        permission_classes=needs("declare_event_namespace"),
    )
    async def event_namespace_declare(self, info: Info, input: NamespaceCreateInput) -> Namespace:  # noqa: A002
        row = await pull.declare_namespace(await _conn(info), context(info).actor, input.name, input.public)
        return Namespace(name=row.name, owner=row.owner, public=row.public)

    @strawberry.mutation(
        description="Delete a namespace of yours; delete its listeners first.",
        permission_classes=needs("delete_event_namespace"),
    )
    async def event_namespace_delete(self, info: Info, input: NamespaceDeleteInput) -> bool:  # noqa: A002
        return await pull.delete_namespace(await _conn(info), context(info).actor, input.name)

    @strawberry.mutation(
        permission_classes=needs("declare_event_listener"),
        description=(
            "Declare a listener; idempotent, so call it at start-up. Events emitted from then on are "
            "kept for it until acknowledged; use a `*_refresh` mutation with `listener` for a first sync."
        )
    )
    async def event_listener_declare(self, info: Info, input: ListenerCreateInput) -> Listener:  # noqa: A002
        row = await pull.declare_listener(
            await _conn(info), context(info).actor, input.namespace, input.user_key, input.routing_key
        )
        return Listener.of(row)

    @strawberry.mutation(description="Delete a listener of yours.", permission_classes=needs("delete_event_listener"))
    async def event_listener_delete(self, info: Info, input: ListenerDeleteInput) -> bool:  # noqa: A002
        return await pull.delete_listener(
            await _conn(info), context(info).actor, input.uuid, input.delete_pending_events
        )

    @strawberry.mutation(
        permission_classes=needs("acknowledge_event"),
        description=(
            "Acknowledge a fetched event: it is dropped, unless it was emitted again since the fetch, "
            "in which case it stays pending for the next fetch."
        )
    )
    async def event_acknowledge(self, info: Info, input: EventAcknowledgeInput) -> bool:  # noqa: A002
        return await pull.acknowledge(await _conn(info), context(info).actor, input.token)

    @strawberry.mutation(
        description="Send an event to the listeners of a namespace of yours.",
        permission_classes=needs("send_event"),
    )
    async def event_send(self, info: Info, input: EventSendInput) -> bool:  # noqa: A002
        return await pull.send(
            await _conn(info), context(info).actor, input.namespace, input.routing_key, input.subject, input.priority
        )

    @strawberry.mutation(
        description="Silence events, typically while a fix for them is under way.",
        permission_classes=needs("silence_event"),
    )
    async def event_silence(self, info: Info, input: EventSilenceInput) -> bool:  # noqa: A002
        match = pull.EventMatch(input.listeners.match(), input.subjects)
        await pull.set_silenced(await _conn(info), match, True)
        return True

    @strawberry.mutation(description="Unsilence every matching event.", permission_classes=needs("unsilence_event"))
    async def event_unsilence(self, info: Info, input: EventUnsilenceInput) -> bool:  # noqa: A002
        await pull.set_silenced(await _conn(info), _event_match(input), False)
        return True

    @strawberry.mutation(
        permission_classes=needs("rerun_event"),
        description="Deliver matching pending events again at once: forget their back-off (silenced events stay silenced)."
    )
    async def event_rerun(self, info: Info, input: EventRerunInput) -> bool:  # noqa: A002
        await pull.rerun(await _conn(info), _event_match(input))
        return True


# Refresh -------------------------------------------------------------------------

#: model -> (mutation, filter input type in mo.graphapi.filters.inputs, what it refreshes).
#: A refresh mutation exists for every entry whose model and filter exist.
REFRESH: dict[str, tuple[str, str, str]] = {
    "address": ("address_refresh", "AddressFilter", "addresses"),
    "association": ("association_refresh", "AssociationFilter", "associations"),
    "class": ("class_refresh", "ClassFilter", "classes"),
    "engagement": ("engagement_refresh", "EngagementFilter", "engagements"),
    "facet": ("facet_refresh", "FacetFilter", "facets"),
    "itsystem": ("itsystem_refresh", "ITSystemFilter", "IT systems"),
    "ituser": ("ituser_refresh", "ITUserFilter", "IT users"),
    "kle": ("kle_refresh", "KLEFilter", "KLE annotations"),
    "leave": ("leave_refresh", "LeaveFilter", "leaves"),
    "manager": ("manager_refresh", "ManagerFilter", "manager roles"),
    "org_unit": ("org_unit_refresh", "OrganisationUnitFilter", "organisation units"),
    "owner": ("owner_refresh", "OwnerFilter", "owners"),
    "person": ("employee_refresh", "EmployeeFilter", "persons"),
    "related_unit": ("related_unit_refresh", "RelatedUnitFilter", "related units"),
    "rolebinding": ("rolebinding_refresh", "RoleBindingFilter", "role bindings"),
}


async def refresh(
    info: Info,
    model: str,
    flt: Any,
    limit: Optional[int],
    cursor: Optional[str],
    *,
    exchange: Optional[str],
    listener: Optional[UUID],
    owner: Optional[UUID],
    priority: int,
) -> UUIDPaged:
    """Emit an event for every ``model`` object on one page of ``flt``'s matches."""
    pull.check_priority(priority)
    ctx = context(info)
    conn = (await ctx.writer()).conn
    if exchange is not None and (listener is not None or owner is not None):
        raise InvalidInput("exchange: give an exchange (AMQP) or a listener/owner (pull), not both", field="exchange")
    if exchange is not None and not exchange:
        raise InvalidInput("exchange: an exchange name is not empty", field="exchange")
    if listener is not None:
        found = await pull.listener(conn.execute, listener)
        if found is None:
            raise InvalidInput(f"listener: no listener {listener}", field="listener")
        if found.namespace != MO_NAMESPACE or found.routing_key != model:
            raise InvalidInput(
                f"listener: the listener listens to {found.routing_key!r} in {found.namespace!r}, not to {model!r} in 'mo'",
                field="listener",
            )
    page = await collection(info, model, flt, limit, cursor)
    uuids = [value.uuid for value in page.objects]
    subjects = [(model, uuid) for uuid in uuids]
    if listener is not None or owner is not None:
        await deliver(
            conn, MO_NAMESPACE, [(model, str(u)) for u in uuids], priority=priority, owner=owner, listener=listener
        )
    elif exchange is not None:
        await publish(conn, subjects, cause="refresh", priority=priority, exchange=exchange)
    else:
        await emit(conn, subjects, cause="refresh", priority=priority)
    next_cursor = page.page_info.next_cursor
    return UUIDPaged(objects=uuids, page_info=PageInfo(next_cursor=Cursor(next_cursor) if next_cursor else None))


def _refresh_field(model: str, filter_type: type, plural: str) -> Any:
    async def resolver(
        info: Info,
        filter: Annotated[Optional[filter_type], strawberry.argument(description=f"Which {plural}.")] = None,  # type: ignore[valid-type]  # noqa: A002
        limit: Annotated[Optional[LimitInt], strawberry.argument(description=LIMIT)] = None,
        cursor: Annotated[Optional[Cursor], strawberry.argument(description=CURSOR)] = None,
        queue: Annotated[
            Optional[str],
            strawberry.argument(
                description="Ignored.",
                deprecation_reason="Never worked properly. Use `exchange` to target a specific integration instead.",
            ),
        ] = None,
        exchange: Annotated[
            Optional[str], strawberry.argument(description="Publish to this AMQP exchange only (not to listeners).")
        ] = None,
        listener: Annotated[
            Optional[UUID],
            strawberry.argument(
                description="Send to this listener only.",
                deprecation_reason="This is not the argument our event system deserves, but the one it needs right now.",
            ),
        ] = None,
        owner: Annotated[
            Optional[UUID], strawberry.argument(description="Send to this owner's listeners only.")
        ] = None,
        priority: Annotated[
            int, strawberry.argument(description="The events' priority; 1 is the highest.")
        ] = DEFAULT_PRIORITY,
    ) -> UUIDPaged:
        return await refresh(
            info, model, filter, limit, cursor, exchange=exchange, listener=listener, owner=owner, priority=priority
        )

    return strawberry.mutation(
        resolver=resolver,
        permission_classes=needs(f"refresh_{model}"),
        description=(
            f"Emit an event for every one of the {plural} the filter finds (one page of them): to one listener, "
            f"to one owner's listeners, to one AMQP exchange, or to everyone. Returns the page's uuids."
        ),
    )


def refresh_mutations() -> type:
    """The refresh mutations of the object types that exist, in REFRESH's order."""
    fields = {}
    for model, (name, filter_name, plural) in REFRESH.items():
        filter_type = getattr(filter_inputs, filter_name, None)
        if model in MODELS and filter_type is not None:
            fields[name] = _refresh_field(model, filter_type, plural)
    return strawberry.type(type("RefreshMutation", (), fields), description="Refresh mutations.")


RefreshMutation = refresh_mutations()
