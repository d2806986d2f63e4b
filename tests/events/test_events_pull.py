"""The GraphQL pull API: namespaces, listeners, fetch, acknowledge and friends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventkit import ACK, FETCH, ack, declare, fetch, last_outbox_id, outbox, pending

from mo.graphapi.view import execute
from tests.conftest import Client
from tests.seed import PERSON, create

UPDATE_PERSON = "mutation ($input: EmployeeUpdateInput!) { employee_update(input: $input) { uuid } }"
NAMESPACE = "mutation ($input: NamespaceCreateInput!) { event_namespace_declare(input: $input) { name owner public } }"
SEND = "mutation ($input: EventSendInput!) { event_send(input: $input) }"
OTHER = UUID("0b7c1d1e-0000-4000-8000-00000000beef")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def as_actor(gql: Client, actor: UUID, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body, _ = await execute(gql.engine, query, variables, actor=actor)
    return body


async def rename(gql: Client, person: str, name: str) -> None:
    await gql.ok(UPDATE_PERSON, {"input": {"uuid": person, "given_name": name, "validity": {"from": "2000-01-01"}}})


async def test_declaring_a_listener_is_idempotent_and_checked(gql: Client) -> None:
    first = await declare(gql, "person", "ad-sync")
    assert await declare(gql, "person", "ad-sync") == first
    assert await declare(gql, "person", "ad-sync-2") != first
    query = "mutation ($input: ListenerCreateInput!) { event_listener_declare(input: $input) { uuid } }"
    conflict = await gql.error(query, {"input": {"user_key": "ad-sync", "routing_key": "org_unit"}})
    assert conflict["extensions"] == {"code": "ALREADY_EXISTS", "field": "routing_key"}
    unknown = await gql.error(query, {"input": {"namespace": "nowhere", "user_key": "x", "routing_key": "person"}})
    assert unknown["extensions"] == {"code": "NOT_FOUND", "field": "namespace"}
    wrong_key = await gql.error(query, {"input": {"user_key": "y", "routing_key": "employee"}})
    assert wrong_key["extensions"] == {"code": "INVALID_INPUT", "field": "routing_key"}
    listed = await gql.ok(
        'query { event_listeners(filter: {user_keys: ["ad-sync"]}) { objects { uuid owner routing_key } } }'
    )
    assert listed["event_listeners"]["objects"] == [
        {"uuid": first, "owner": "00000000-0000-4000-8000-000000000001", "routing_key": "person"}
    ]


async def test_namespaces_belong_to_their_owner(gql: Client) -> None:
    created = await gql.ok(NAMESPACE, {"input": {"name": "ldap", "public": False}})
    assert created["event_namespace_declare"] == {
        "name": "ldap",
        "owner": "00000000-0000-4000-8000-000000000001",
        "public": False,
    }
    assert await gql.ok(NAMESPACE, {"input": {"name": "ldap"}}) == created
    flipped = await gql.error(NAMESPACE, {"input": {"name": "ldap", "public": True}})
    assert flipped["extensions"] == {"code": "ALREADY_EXISTS", "field": "public"}
    taken = await as_actor(gql, OTHER, NAMESPACE, {"input": {"name": "ldap"}})
    assert taken["data"] is None and taken["errors"][0]["extensions"] == {"code": "ALREADY_EXISTS", "field": "name"}
    builtin = await gql.error(NAMESPACE, {"input": {"name": "mo", "public": True}})
    assert builtin["extensions"]["code"] == "ALREADY_EXISTS"
    bad = await gql.error(NAMESPACE, {"input": {"name": "has space"}})
    assert bad["extensions"] == {"code": "INVALID_INPUT", "field": "name"}

    # Someone else cannot listen in a private namespace, nor send in it.
    private = await as_actor(
        gql,
        OTHER,
        'mutation { event_listener_declare(input: {namespace: "ldap", user_key: "x", routing_key: "k"}) { uuid } }',
    )
    assert private["errors"][0]["extensions"] == {"code": "NOT_OWNER", "field": "namespace"}
    send = {"input": {"namespace": "ldap", "routing_key": "k", "subject": "s"}}
    assert (await as_actor(gql, OTHER, SEND, send))["errors"][0]["extensions"]["code"] == "NOT_OWNER"
    # Nobody sends in the registry's own namespace.
    into_mo = await gql.error(SEND, {"input": {"namespace": "mo", "routing_key": "person", "subject": str(uuid4())}})
    assert into_mo["extensions"] == {"code": "NOT_OWNER", "field": "namespace"}

    listener = await declare(gql, "k", "mine", namespace="ldap")
    listing = await gql.ok("query { event_namespaces { objects { name public listeners { uuid } } } }")
    assert listing["event_namespaces"]["objects"] == [
        {"name": "ldap", "public": False, "listeners": [{"uuid": listener}]},
        {"name": "mo", "public": True, "listeners": []},
    ]
    mine = await gql.ok("query { event_namespaces(filter: {public: false}) { objects { name } } }")
    assert mine["event_namespaces"]["objects"] == [{"name": "ldap"}]
    delete = 'mutation { event_namespace_delete(input: {name: "ldap"}) }'
    assert (await gql.error(delete))["extensions"] == {"code": "HAS_DEPENDENTS", "field": "name"}
    assert (await gql.ok(f'mutation {{ event_listener_delete(input: {{uuid: "{listener}"}}) }}'))[
        "event_listener_delete"
    ]
    assert (await gql.ok(delete))["event_namespace_delete"] is True
    assert [
        n["name"]
        for n in (await gql.ok("query { event_namespaces { objects { name } } }"))["event_namespaces"]["objects"]
    ] == ["mo"]


async def test_fetch_then_acknowledge_consumes_the_event(gql: Client) -> None:
    listener = await declare(gql, "person")
    person = await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    event = await fetch(gql, listener)
    assert event is not None and event["subject"] == person and event["priority"] == 10000
    assert await pending(gql, listener) == [person]  # fetched, not yet acknowledged
    await ack(gql, event["token"])
    assert await pending(gql, listener) == []
    assert await fetch(gql, listener) is None
    await ack(gql, event["token"])  # acknowledging twice is harmless


async def test_repeats_collapse_into_one_pending_event(gql: Client) -> None:
    listener = await declare(gql, "person")
    person = await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    for name in ("Anna", "Annie", "Ann"):
        await rename(gql, person, name)
    assert await pending(gql, listener) == [person]


async def test_acknowledging_a_reemitted_event_keeps_it(gql: Client) -> None:
    listener = await declare(gql, "person")
    person = await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    first = await fetch(gql, listener)
    assert first is not None
    await rename(gql, person, "Anna")  # changed while the consumer was busy with the first event
    await ack(gql, first["token"])
    assert await pending(gql, listener) == [person]
    again = await fetch(gql, listener)  # no back-off: the change is new
    assert again is not None and again["subject"] == person and again["token"] != first["token"]
    await ack(gql, again["token"])
    assert await pending(gql, listener) == []


async def test_unacknowledged_events_back_off_exponentially(gql: Client) -> None:
    listener = await declare(gql, "person")
    await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    at, waits = NOW, []
    for _ in range(17):
        assert await fetch(gql, listener, at) is not None
        wait = await _next_try(gql, listener) - at
        assert await fetch(gql, listener, at + wait - timedelta(seconds=1)) is None
        waits.append(int(wait.total_seconds()))
        at += wait
    # 3 minutes at first, then 2**n seconds after the n-th fetch, at most 17 hours.
    assert waits == [180] * 7 + [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 61200, 61200]


async def _next_try(gql: Client, listener: str) -> datetime:
    from sqlalchemy import select

    from mo.db.tables import event

    async with gql.engine.connect() as conn:
        found = await conn.scalar(select(event.c.next_try).where(event.c.listener_uuid == UUID(listener)))
    assert isinstance(found, datetime)
    return found


async def test_priority_then_attempts_decide_the_order(gql: Client) -> None:
    await gql.ok(NAMESPACE, {"input": {"name": "jobs"}})
    listener = await declare(gql, "job", namespace="jobs")
    for subject, priority in (("low", 20000), ("high", 1), ("default", 10000)):
        await gql.ok(
            SEND, {"input": {"namespace": "jobs", "routing_key": "job", "subject": subject, "priority": priority}}
        )
    order = []
    while (event := await fetch(gql, listener, NOW)) is not None:
        order.append((event["subject"], event["priority"]))
    assert order == [("high", 1), ("default", 10000), ("low", 20000)]
    # A repeat keeps the higher of the two priorities.
    await gql.ok(SEND, {"input": {"namespace": "jobs", "routing_key": "job", "subject": "low", "priority": 5}})
    await gql.ok(SEND, {"input": {"namespace": "jobs", "routing_key": "job", "subject": "high", "priority": 9}})
    data = await gql.ok('query { events(filter: {subjects: ["low", "high"]}) { objects { subject priority } } }')
    assert sorted((e["subject"], e["priority"]) for e in data["events"]["objects"]) == [("high", 1), ("low", 5)]
    bad = await gql.error(SEND, {"input": {"namespace": "jobs", "routing_key": "job", "subject": "x", "priority": 0}})
    assert bad["extensions"] == {"code": "INVALID_INPUT", "field": "priority"}
    long = await gql.error(SEND, {"input": {"namespace": "jobs", "routing_key": "job", "subject": "x" * 221}})
    assert long["extensions"] == {"code": "INVALID_INPUT", "field": "subject"}


async def test_silenced_events_are_not_fetched_until_unsilenced(gql: Client) -> None:
    listener = await declare(gql, "person")
    person = await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    silence = "mutation ($s: [String!]!, $l: UUID!) { event_silence(input: {listeners: {uuids: [$l]}, subjects: $s}) }"
    await gql.ok(silence, {"s": [person], "l": listener})
    assert await fetch(gql, listener) is None
    data = await gql.ok("query { events(filter: {silenced: true}) { objects { subject silenced listener { uuid } } } }")
    assert data["events"]["objects"] == [{"subject": person, "silenced": True, "listener": {"uuid": listener}}]
    await rename(gql, person, "Anna")  # a repeat does not wake a silenced event
    assert await fetch(gql, listener) is None
    await gql.ok('mutation { event_unsilence(input: {subjects: ["nobody"]}) }')
    assert await fetch(gql, listener) is None
    await gql.ok("mutation ($s: [String!]) { event_unsilence(input: {subjects: $s}) }", {"s": [person]})
    event = await fetch(gql, listener)
    assert event is not None and event["subject"] == person


async def test_rerun_forgets_the_back_off(gql: Client) -> None:
    listener = await declare(gql, "person")
    person = await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    assert await fetch(gql, listener, NOW) is not None
    assert await fetch(gql, listener, NOW) is None
    await gql.ok("mutation ($l: UUID!) { event_rerun(input: {listeners: {uuids: [$l]}}) }", {"l": listener})
    again = await fetch(gql, listener, NOW)
    assert again is not None and again["subject"] == person


async def test_only_the_owner_fetches_and_acknowledges(gql: Client) -> None:
    listener = await declare(gql, "person")
    await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    theirs = await as_actor(gql, OTHER, FETCH, {"l": listener})
    assert theirs["errors"][0]["extensions"] == {"code": "NOT_OWNER", "field": "filter.listener"}
    unknown = await gql(FETCH, {"l": str(uuid4())})
    assert unknown["data"] == {"event_fetch": None}
    assert unknown["errors"][0]["extensions"] == {"code": "NOT_FOUND", "field": "filter.listener"}
    event = await fetch(gql, listener)
    assert event is not None
    await as_actor(gql, OTHER, ACK, {"t": event["token"]})
    assert len(await pending(gql, listener)) == 1
    bad = await gql.error(ACK, {"t": "not a token"})
    assert bad["extensions"] == {"code": "INVALID_EVENT_TOKEN", "field": "token"}


async def test_deleting_a_listener_with_pending_events_needs_consent(gql: Client) -> None:
    listener = await declare(gql, "person")
    await create(gql, PERSON, {"given_name": "Anne", "surname": "Lund"})
    delete = (
        "mutation ($l: UUID!, $d: Boolean!) { event_listener_delete(input: {uuid: $l, delete_pending_events: $d}) }"
    )
    refused = await gql.error(delete, {"l": listener, "d": False})
    assert refused["extensions"] == {"code": "HAS_DEPENDENTS", "field": "delete_pending_events"}
    assert (await gql.ok(delete, {"l": listener, "d": True}))["event_listener_delete"] is True
    assert (await gql.ok("query { events { objects { subject } } event_listeners { objects { uuid } } }")) == {
        "events": {"objects": []},
        "event_listeners": {"objects": []},
    }


async def test_concurrent_fetchers_never_get_the_same_event(gql: Client) -> None:
    await gql.ok(NAMESPACE, {"input": {"name": "work"}})
    listener = await declare(gql, "item", namespace="work")
    for n in range(12):
        await gql.ok(SEND, {"input": {"namespace": "work", "routing_key": "item", "subject": f"item-{n}"}})
    results = await asyncio.gather(*(fetch(gql, listener, NOW) for _ in range(24)))
    subjects = [r["subject"] for r in results if r is not None]
    assert sorted(subjects) == sorted(f"item-{n}" for n in range(12))
    assert results.count(None) == 12


async def test_collections_page_with_cursors(gql: Client) -> None:
    await gql.ok(NAMESPACE, {"input": {"name": "pages"}})
    listeners = sorted([await declare(gql, "p", f"l{n}", namespace="pages") for n in range(3)])
    for n in range(5):
        await gql.ok(SEND, {"input": {"namespace": "pages", "routing_key": "p", "subject": f"s{n}"}})
    page = "query ($c: Cursor) { event_listeners(limit: 2, cursor: $c) { objects { uuid } page_info { next_cursor } } }"
    seen, cursor = [], None
    while True:
        data = (await gql.ok(page, {"c": cursor}))["event_listeners"]
        seen += [o["uuid"] for o in data["objects"]]
        cursor = data["page_info"]["next_cursor"]
        if cursor is None:
            break
    assert seen == listeners
    events = "query ($c: Cursor) { events(limit: 4, cursor: $c) { objects { subject listener { uuid } } page_info { next_cursor } } }"
    sizes, found, cursor = [], [], None
    while True:
        data = (await gql.ok(events, {"c": cursor}))["events"]
        sizes.append(len(data["objects"]))
        found += [(e["listener"]["uuid"], e["subject"]) for e in data["objects"]]
        if (cursor := data["page_info"]["next_cursor"]) is None:
            break
    assert sizes == [4, 4, 4, 3]
    assert sorted(found) == sorted((listener, f"s{n}") for listener in listeners for n in range(5))
    nested = await gql.ok(
        "query ($l: [UUID!]) { event_listeners(filter: {uuids: $l}) { objects { events(limit: 2) { subject } } } }",
        {"l": listeners[:1]},
    )
    assert nested["event_listeners"]["objects"] == [{"events": [{"subject": "s0"}, {"subject": "s1"}]}]
    assert (await gql.error('query { events(cursor: "nonsense") { objects { subject } } }'))["extensions"][
        "code"
    ] == "INVALID_INPUT"


async def test_refresh_goes_to_one_listener_one_owner_one_exchange_or_everyone(gql: Client) -> None:
    persons = [await create(gql, PERSON, {"given_name": f"P{n}", "surname": "Refresh"}) for n in range(3)]
    mine = await declare(gql, "person", "mine")
    other = await declare(gql, "person", "other")
    for listener in (mine, other):  # start from empty queues
        while (event := await fetch(gql, listener)) is not None:
            await ack(gql, event["token"])
    theirs_data = await as_actor(
        gql, OTHER, 'mutation { event_listener_declare(input: {user_key: "theirs", routing_key: "person"}) { uuid } }'
    )
    theirs = theirs_data["data"]["event_listener_declare"]["uuid"]
    refresh = """mutation ($uuids: [UUID!]!, $listener: UUID, $owner: UUID, $exchange: String, $limit: int, $cursor: Cursor) {
      employee_refresh(filter: {uuids: $uuids}, listener: $listener, owner: $owner, exchange: $exchange, limit: $limit, cursor: $cursor) {
        objects page_info { next_cursor }
      }
    }"""
    before = await last_outbox_id(gql.engine)

    one = await gql.ok(refresh, {"uuids": persons[:1], "listener": mine})
    assert one["employee_refresh"] == {"objects": persons[:1], "page_info": {"next_cursor": None}}
    assert await pending(gql, mine) == persons[:1] and await pending(gql, other) == []
    assert await outbox(gql.engine, before) == []

    await gql.ok(refresh, {"uuids": persons[1:2], "owner": str(OTHER)})
    assert await pending(gql, other) == [] and persons[1] in {e["subject"] for e in await _events_of(gql, theirs)}

    await gql.ok(refresh, {"uuids": persons[2:], "exchange": "integration-x"})
    [row] = await outbox(gql.engine, before)
    assert (row["routing_key"], row["uuid"], row["exchange"], row["cause"]) == (
        "person",
        persons[2],
        "integration-x",
        "refresh",
    )
    assert await pending(gql, other) == []

    everyone = await gql.ok(refresh, {"uuids": sorted(persons), "limit": 2})
    page = everyone["employee_refresh"]
    assert page["objects"] == sorted(persons)[:2] and page["page_info"]["next_cursor"] is not None
    rest = await gql.ok(refresh, {"uuids": sorted(persons), "limit": 2, "cursor": page["page_info"]["next_cursor"]})
    assert rest["employee_refresh"]["objects"] == sorted(persons)[2:]
    rows = [r for r in await outbox(gql.engine, before) if r["exchange"] is None]
    assert sorted(r["uuid"] for r in rows) == sorted(persons) and {r["cause"] for r in rows} == {"refresh"}
    assert await pending(gql, other) == sorted(persons)

    wrong = await gql.error("mutation ($l: UUID) { org_unit_refresh(listener: $l) { objects } }", {"l": mine})
    assert wrong["extensions"] == {"code": "INVALID_INPUT", "field": "listener"}
    both = await gql.error('mutation { facet_refresh(exchange: "x", owner: "%s") { objects } }' % OTHER)
    assert both["extensions"] == {"code": "INVALID_INPUT", "field": "exchange"}
    zero = await gql.error("mutation { facet_refresh(priority: 0) { objects } }")
    assert zero["extensions"] == {"code": "INVALID_INPUT", "field": "priority"}


async def _events_of(gql: Client, listener: str) -> list[dict[str, Any]]:
    data = await gql.ok(
        "query ($l: UUID!) { events(filter: {listeners: {uuids: [$l]}}) { objects { subject } } }", {"l": listener}
    )
    return list(data["events"]["objects"])
