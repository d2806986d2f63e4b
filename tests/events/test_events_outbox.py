"""Every registry write leaves its events in the same transaction; a failed one none."""

from __future__ import annotations

from collections import Counter

import pytest
from eventkit import declare, last_outbox_id, outbox, pending, subjects

import mo.events.outbox as outbox_module
from mo.model import Model
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


MOVE_ENGAGEMENTS = "mutation ($input: [EngagementUpdateInput!]!) { engagements_update(input: $input) { uuid } }"


async def _move_three_engagements(gql: Client) -> tuple[set[tuple[str, str]], list[dict[str, object]]]:
    """Three engagements of one person; a bulk update moves two of them. The expected subjects and the rows."""
    s = await seed(gql)
    units = [s.child, s.grandchild, s.child]
    engagements = [await create(gql, ENGAGEMENT, engagement_input(s, unit, "2015-01-01", "2029-01-01")) for unit in units]
    before = await last_outbox_id(gql.engine)
    moves = [{"uuid": e, "org_unit": s.root, "validity": {"from": "2020-01-01"}} for e in engagements[:2]]
    await gql.ok(MOVE_ENGAGEMENTS, {"input": moves})
    expected = {("engagement", e) for e in engagements[:2]} | {
        ("person", s.person),
        ("org_unit", s.child),
        ("org_unit", s.grandchild),
        ("org_unit", s.root),
    }
    return expected, await outbox(gql.engine, before)


async def test_a_bulk_write_emits_each_affected_object_once_sorted_by_routing_key_then_uuid(gql: Client) -> None:
    expected, rows = await _move_three_engagements(gql)
    assert [(r["routing_key"], r["uuid"]) for r in rows] == sorted(expected)
    assert {r["cause"] for r in rows} == {"registration"} and len({r["registration_id"] for r in rows}) == 1


async def test_types_with_list_valued_owner_references_take_the_python_path_with_the_same_rows(
    gql: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def every_type_has_one(model: Model) -> list[str]:
        return ["responsibilities"]

    monkeypatch.setattr(outbox_module, "related_list_fields", every_type_has_one)
    published: list[object] = []
    monkeypatch.setattr(outbox_module, "publish_registration", lambda *args, **kwargs: published.append(args))
    expected, rows = await _move_three_engagements(gql)
    assert published == []
    assert [(r["routing_key"], r["uuid"]) for r in rows] == sorted(expected)
