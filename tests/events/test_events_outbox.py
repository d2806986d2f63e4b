"""Every registry write leaves its events in the same transaction; a failed one none."""

from __future__ import annotations

from collections import Counter

from eventkit import declare, last_outbox_id, outbox, pending, subjects

from tests.conftest import Client
from tests.seed import ENGAGEMENT, PERSON, create, engagement_input, seed

UPDATE_ENGAGEMENT = "mutation ($input: EngagementUpdateInput!) { engagement_update(input: $input) { uuid } }"
TERMINATE_PERSON = "mutation ($input: EmployeeTerminateInput!) { employee_terminate(input: $input) { uuid } }"


async def test_a_write_emits_one_row_per_affected_object_with_its_registration(gql: Client) -> None:
    s = await seed(gql)
    before = await last_outbox_id(gql.engine)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    rows = await outbox(gql.engine, before)
    assert subjects(rows) == Counter({("engagement", engagement): 1, ("person", s.person): 1, ("org_unit", s.child): 1})
    assert {r["cause"] for r in rows} == {"registration"}
    assert len({r["registration_id"] for r in rows}) == 1 and rows[0]["registration_id"] is not None
    assert all(r["sent_at"] is None and r["exchange"] is None and r["priority"] == 10000 for r in rows)


async def test_moving_an_engagement_affects_the_unit_before_and_after(gql: Client) -> None:
    s = await seed(gql)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    before = await last_outbox_id(gql.engine)
    await gql.ok(
        UPDATE_ENGAGEMENT, {"input": {"uuid": engagement, "org_unit": s.root, "validity": {"from": "2020-01-01"}}}
    )
    assert set(subjects(await outbox(gql.engine, before))) == {
        ("engagement", engagement),
        ("person", s.person),
        ("org_unit", s.child),
        ("org_unit", s.root),
    }


async def test_terminating_a_person_emits_for_the_engagements_it_ends(gql: Client) -> None:
    s = await seed(gql)
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.grandchild, "2015-01-01", "2029-01-01"))
    before = await last_outbox_id(gql.engine)
    await gql.ok(TERMINATE_PERSON, {"input": {"uuid": s.person, "to": "2025-01-01"}})
    assert set(subjects(await outbox(gql.engine, before))) == {
        ("person", s.person),
        ("engagement", engagement),
        ("org_unit", s.grandchild),
    }


async def test_an_object_written_twice_in_one_request_is_emitted_once(gql: Client) -> None:
    s = await seed(gql)
    before = await last_outbox_id(gql.engine)
    both = "mutation ($a: EngagementCreateInput!, $b: EngagementCreateInput!) { engagements_create(input: [$a, $b]) { uuid } }"
    data = await gql.ok(
        both, {"a": engagement_input(s, s.child, "2015-01-01"), "b": engagement_input(s, s.root, "2016-01-01")}
    )
    created = {e["uuid"] for e in data["engagements_create"]}
    counts = subjects(await outbox(gql.engine, before))
    assert counts[("person", s.person)] == 1
    assert {uuid for (key, uuid) in counts if key == "engagement"} == created
    assert set(counts.values()) == {1}


async def test_a_failed_request_leaves_no_event_anywhere(gql: Client) -> None:
    s = await seed(gql)
    listener = await declare(gql, "person")
    queued = await pending(gql, listener)
    before = await last_outbox_id(gql.engine)
    # The person is created, then the engagement is refused: the request rolls back whole.
    document = """mutation ($p: EmployeeCreateInput!, $e: EngagementCreateInput!) {
      employee_create(input: $p) { uuid }
      engagement_create(input: $e) { uuid }
    }"""
    bad = engagement_input(s, s.grandchild, "2001-01-01")  # the unit starts 2012: refused
    error = await gql.error(document, {"p": {"given_name": "Ib", "surname": "Holm"}, "e": bad})
    assert error["extensions"]["code"] == "OUTSIDE_VALIDITY"
    assert await outbox(gql.engine, before) == []
    assert await pending(gql, listener) == queued


async def test_listeners_get_the_events_of_their_routing_key(gql: Client) -> None:
    s = await seed(gql)
    persons = await declare(gql, "person")
    engagements = await declare(gql, "engagement")
    units = await declare(gql, "org_unit")
    classes = await declare(gql, "class")
    engagement = await create(gql, ENGAGEMENT, engagement_input(s, s.child, "2015-01-01"))
    someone = await create(gql, PERSON, {"given_name": "Bo", "surname": "Dam"})
    assert await pending(gql, persons) == sorted([s.person, someone])
    assert await pending(gql, engagements) == [engagement]
    assert await pending(gql, units) == [s.child]
    assert await pending(gql, classes) == []
