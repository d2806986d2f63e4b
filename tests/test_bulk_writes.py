"""Bulk writes (``engagements_create``/``engagements_update``): set-based, and the same as single ones.

A list of N changes costs a constant number of SQL statements, registers what N
single mutations would, applies changes to one object in list order, and a bad
item fails the whole request with a coded error that names the field and the item.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import event, text

from mo.graphapi import fast, mutation
from tests.conftest import Client
from tests.seed import Seed, engagement_input, seed

CREATE_MANY = "mutation ($input: [EngagementCreateInput!]!) { engagements_create(input: $input) { uuid } }"
UPDATE_MANY = "mutation ($input: [EngagementUpdateInput!]!) { engagements_update(input: $input) { uuid } }"
VALIDITIES = """
query ($uuids: [UUID!]) {
  engagements(filter: {uuids: $uuids, from_date: null, to_date: null}) {
    objects { uuid validities { job_function { uuid } fraction validity { from to } } }
  }
}
"""


def aliased_updates(n: int) -> str:
    """One request of ``n`` single ``engagement_update`` mutations."""
    params = ", ".join(f"$i{i}: EngagementUpdateInput!" for i in range(n))
    fields = " ".join(f"u{i}: engagement_update(input: $i{i}) {{ uuid }}" for i in range(n))
    return f"mutation ({params}) {{ {fields} }}"


@contextmanager
def counting(gql: Client) -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the block runs."""
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        sent.append(statement)

    target = gql.engine.sync_engine
    event.listen(target, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(target, "before_cursor_execute", record)


async def engagements(gql: Client, s: Seed, n: int, unit: str | None = None) -> list[str]:
    data = await gql.ok(CREATE_MANY, {"input": [engagement_input(s, unit or s.child, "2015-01-01") for _ in range(n)]})
    return [item["uuid"] for item in data["engagements_create"]]


def job_change(uuid: str, job: str, start: str = "2027-01-01", **more: Any) -> dict[str, Any]:
    return {"uuid": uuid, "job_function": job, "validity": {"from": start}, **more}


async def rows(gql: Client, uuids: list[str]) -> list[tuple[Any, ...]]:
    """Every stored row (current and closed) of the engagements, in a form to compare."""
    async with gql.engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT uuid, valid_from, valid_to, job_function_uuid, fraction, reg_to IS NULL FROM engagement "
                "ORDER BY valid_from, valid_to, reg_to IS NULL"
            )
        )
        wanted = {u.replace("-", "") for u in uuids}
        return [tuple(r) for r in result if str(r[0]).replace("-", "") in wanted]


async def test_a_bulk_update_sends_the_same_statements_for_1_4_and_12_engagements(gql: Client) -> None:
    s = await seed(gql)
    made = await engagements(gql, s, 17)
    counts = []
    for part in (made[:1], made[1:5], made[5:17]):
        with counting(gql) as sent:
            data = await gql.ok(UPDATE_MANY, {"input": [job_change(u, s.engagement_type) for u in part]})
        assert [item["uuid"] for item in data["engagements_update"]] == part
        counts.append(len(sent))
    assert counts[0] == counts[1] == counts[2], f"statements per request for 1, 4, 12 engagements: {counts}"
    assert counts[0] <= 16, counts
    # every engagement got its change
    result = await gql.ok(VALIDITIES, {"uuids": made})
    objects = result["engagements"]["objects"]
    assert all(o["validities"][-1]["job_function"]["uuid"] == s.engagement_type for o in objects)


async def test_a_bulk_create_sends_the_same_statements_for_2_and_9_engagements(gql: Client) -> None:
    s = await seed(gql)
    counts = []
    for n in (2, 9):
        with counting(gql) as sent:
            created = await engagements(gql, s, n)
        assert len(set(created)) == n
        counts.append(len(sent))
    assert counts[0] == counts[1], f"statements per request for 2 and 9 engagements: {counts}"


async def test_a_bulk_update_registers_what_single_updates_do(gql: Client) -> None:
    s = await seed(gql)
    bulk = await engagements(gql, s, 3)
    single = await engagements(gql, s, 3)
    changes = [
        {"job_function": s.engagement_type, "validity": {"from": "2027-01-01"}},
        {"fraction": 50, "validity": {"from": "2016-01-01", "to": "2018-01-01"}},
        {"job_function": s.unit_type, "fraction": 10, "validity": {"from": "2010-01-01"}},  # extends back to 2010
    ]
    before = (await gql.count("registration"), await gql.count("registration_object"), await gql.count("event_outbox"))
    await gql.ok(UPDATE_MANY, {"input": [{"uuid": u, **c} for u, c in zip(bulk, changes, strict=True)]})
    middle = (await gql.count("registration"), await gql.count("registration_object"), await gql.count("event_outbox"))
    variables = {f"i{i}": {"uuid": u, **c} for i, (u, c) in enumerate(zip(single, changes, strict=True))}
    await gql.ok(aliased_updates(3), variables)
    after = (await gql.count("registration"), await gql.count("registration_object"), await gql.count("event_outbox"))
    # one registration each, naming the same number of objects, with the same number of events
    assert [m - b for m, b in zip(middle, before, strict=True)] == [a - m for a, m in zip(after, middle, strict=True)]
    assert middle[0] - before[0] == 1 and middle[1] - before[1] == 3
    # the same rows, current and closed, object by object
    for b, u in zip(bulk, single, strict=True):
        assert [r[1:] for r in await rows(gql, [b])] == [r[1:] for r in await rows(gql, [u])]
    data = await gql.ok(VALIDITIES, {"uuids": bulk + single})
    found = {o["uuid"]: o["validities"] for o in data["engagements"]["objects"]}
    assert [found[u] for u in bulk] == [found[u] for u in single]
    assert found[bulk[2]][0]["validity"]["from"].startswith("2010-01-01")
    # the events name the same persons and units
    async with gql.engine.connect() as conn:
        events = (
            await conn.execute(
                text("SELECT registration_id, routing_key, uuid FROM event_outbox ORDER BY registration_id DESC")
            )
        ).all()
    last, previous = events[0][0], max(r[0] for r in events if r[0] != events[0][0])
    owners = {(r[1], str(r[2])) for r in events if r[1] != "engagement"}
    by_registration = {
        reg: {(r[1], str(r[2]).replace("-", "")) for r in events if r[0] == reg and r[1] != "engagement"}
        for reg in (last, previous)
    }
    assert by_registration[last] == by_registration[previous] and owners


async def test_two_changes_of_one_engagement_in_one_list_apply_in_list_order(gql: Client) -> None:
    s = await seed(gql)
    first, second = await engagements(gql, s, 2)
    await gql.ok(UPDATE_MANY, {"input": [
        job_change(first, s.engagement_type, "2020-01-01"),
        job_change(first, s.unit_type, "2025-01-01"),
        job_change(second, s.unit_type, "2025-01-01"),
        job_change(second, s.engagement_type, "2020-01-01"),
    ]})
    data = await gql.ok(VALIDITIES, {"uuids": [first, second]})
    found = {o["uuid"]: o["validities"] for o in data["engagements"]["objects"]}
    jobs = {u: [(v["job_function"]["uuid"], v["validity"]["from"][:10]) for v in found[u]] for u in found}
    assert jobs[first] == [
        (s.job_function, "2015-01-01"), (s.engagement_type, "2020-01-01"), (s.unit_type, "2025-01-01"),
    ]
    # the later item, starting earlier, overrides the earlier one from 2020 on
    assert jobs[second] == [(s.job_function, "2015-01-01"), (s.engagement_type, "2020-01-01")]


async def test_a_bulk_create_then_update_of_the_same_engagement_in_one_request(gql: Client) -> None:
    s = await seed(gql)
    uuid = "0d6c7a3e-9b59-4a7e-8e0a-6b3c2a1f0e11"
    query = """
    mutation ($create: [EngagementCreateInput!]!, $update: [EngagementUpdateInput!]!) {
      c: engagements_create(input: $create) { uuid }
      u: engagements_update(input: $update) { uuid }
    }"""
    await gql.ok(query, {
        "create": [{**engagement_input(s, s.child, "2015-01-01"), "uuid": uuid}],
        "update": [job_change(uuid, s.unit_type, "2020-01-01")],
    })
    data = await gql.ok(VALIDITIES, {"uuids": [uuid]})
    [engagement] = data["engagements"]["objects"]
    assert [v["job_function"]["uuid"] for v in engagement["validities"]] == [s.job_function, s.unit_type]


async def _refused(gql: Client, query: str, items: list[dict[str, Any]], code: str, field: str, index: int) -> None:
    before = [await gql.count(t) for t in ("registration", "registration_object", "engagement", "event_outbox")]
    error = await gql.error(query, {"input": items})
    assert error["extensions"]["code"] == code, error
    assert error["extensions"]["field"] == field, error
    assert error["extensions"]["index"] == index, error
    assert f"item {index}" in error["message"], error
    after = [await gql.count(t) for t in ("registration", "registration_object", "engagement", "event_outbox")]
    assert after == before


async def test_a_bad_item_fails_the_whole_list_with_its_code_field_and_index(gql: Client) -> None:
    s = await seed(gql)
    made = await engagements(gql, s, 3)
    unknown = "6f1d7c55-0000-4000-8000-000000000000"
    good = [job_change(u, s.engagement_type) for u in made]
    await _refused(gql, UPDATE_MANY, [good[0], job_change(unknown, s.engagement_type), good[1]], "NOT_FOUND", "uuid", 1)
    await _refused(gql, UPDATE_MANY, [*good[:2], job_change(made[2], unknown)], "NOT_FOUND", "job_function", 2)
    # Nordskolen ends in 2030: an engagement there from 2027 with no end is outside its validity
    outside = {"uuid": made[0], "org_unit": s.grandchild, "validity": {"from": "2027-01-01"}}
    await _refused(gql, UPDATE_MANY, [outside, *good[1:]], "OUTSIDE_VALIDITY", "org_unit", 0)
    backwards = {"uuid": made[1], "fraction": 1, "validity": {"from": "2027-01-01", "to": "2026-01-01"}}
    await _refused(gql, UPDATE_MANY, [good[0], backwards], "INVALID_INTERVAL", "validity.to", 1)
    bad_create = [engagement_input(s, s.child, "2015-01-01"), engagement_input(s, s.grandchild, "2015-01-01")]
    await _refused(gql, CREATE_MANY, bad_create, "OUTSIDE_VALIDITY", "org_unit", 1)
    # and nothing of the good items was written
    data = await gql.ok(VALIDITIES, {"uuids": made})
    assert all(len(o["validities"]) == 1 for o in data["engagements"]["objects"])


async def test_bulk_writes_of_persons_see_the_items_before_them(gql: Client) -> None:
    """Persons register item by item: a CPR number given twice in one list is refused at the second."""
    from datetime import date

    from bitemporal import Interval
    from mo.config import LOCAL_ADMIN
    from mo.model import MODELS
    from mo.service import writes
    from mo.service.errors import CPRInUse
    from mo.service.transaction import writing

    await seed(gql)
    before = await gql.count("registration")
    person = MODELS["person"]
    items = [(None, Interval(), {"given_name": "A", "surname": "B", "cpr_number": "0202801234"})] * 2
    try:
        async with writing(gql.engine, LOCAL_ADMIN, today=date(2026, 1, 1)) as ctx:
            await writes.create_many(ctx, person, items)
    except CPRInUse as error:
        assert error.index == 1 and error.field == "cpr_number"
    else:
        raise AssertionError("expected CPR_IN_USE")
    assert await gql.count("registration") == before
    async with writing(gql.engine, LOCAL_ADMIN, today=date(2026, 1, 1)) as ctx:
        other = (None, Interval(), {"given_name": "C", "surname": "D"})
        made = await writes.create_many(ctx, person, [items[0], other])
        await writes.update_many(ctx, person, [
            (made[1], Interval(date(2020, 1, 1)), {"surname": "E"}),
            (made[0], Interval(), {"nickname_given_name": "Al"}),
        ])
    query = "query ($u: [UUID!]) { persons(filter: {uuids: $u}) { objects { uuid current { surname nickname_given_name } } } }"  # noqa: E501
    data = await gql.ok(query, {"u": [str(u) for u in made]})
    found = {o["uuid"]: o["current"] for o in data["persons"]["objects"]}
    assert found[str(made[0])] == {"surname": "B", "nickname_given_name": "Al"}
    assert found[str(made[1])]["surname"] == "E"


async def test_terminate_many_ends_every_engagement_in_one_registration(gql: Client) -> None:
    from datetime import date

    from bitemporal import Interval
    from mo.config import LOCAL_ADMIN
    from mo.model import MODELS
    from mo.service import writes
    from mo.service.transaction import writing

    s = await seed(gql)
    made = await engagements(gql, s, 3)
    before = await gql.count("registration")
    async with writing(gql.engine, LOCAL_ADMIN, today=date(2026, 1, 1)) as ctx:
        items = [(UUID(u), Interval(date(2028, 1, 1))) for u in made[:2]]
        await writes.terminate_many(ctx, MODELS["engagement"], items)
    assert await gql.count("registration") == before + 1
    data = await gql.ok(VALIDITIES, {"uuids": made})
    ends = {o["uuid"]: o["validities"][-1]["validity"]["to"] for o in data["engagements"]["objects"]}
    assert [ends[u] is not None and ends[u].startswith("2028-01-01") for u in made] == [True, True, False]


ANSWERED = """
mutation ($input: [EngagementUpdateInput!]!) {
  engagements_update(input: $input) {
    uuid
    current { fraction job_function { uuid name } person { uuid } validity { from } }
    validities { fraction validity { from to } }
  }
}
"""
READ_BACK = """
query ($uuids: [UUID!]) {
  engagements(filter: {uuids: $uuids}) {
    objects {
      uuid
      current { fraction job_function { uuid name } person { uuid } validity { from } }
      validities { fraction validity { from to } }
    }
  }
}
"""


async def test_a_bulk_answer_reads_what_a_query_reads_afterwards_with_statements_per_relation(
    gql: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the written objects' answer selects is read after the write, in the item
    order (an object changed twice answers twice), a batch per relation, not per item,
    and completed in one pass (``fast.precomplete``), not field by field."""
    completed: list[bool] = []

    def spy(info: Any, value: Any) -> Any:
        result = fast.precomplete(info, value)
        completed.append(type(result) is fast.Precompleted)
        return result

    monkeypatch.setattr(mutation, "precomplete", spy)
    s = await seed(gql)
    made = await engagements(gql, s, 11)
    completed.clear()
    counts = []
    for part in (made[:2], made[2:11]):
        inputs = [job_change(u, s.engagement_type, "2020-01-01", fraction=7) for u in part]
        inputs.append({"uuid": part[0], "fraction": 9, "validity": {"from": "2020-01-01"}})
        with counting(gql) as sent:
            data = await gql.ok(ANSWERED, {"input": inputs})
        counts.append(len(sent))
        answer = data["engagements_update"]
        assert [item["uuid"] for item in answer] == [*part, part[0]]
        read = (await gql.ok(READ_BACK, {"uuids": part}))["engagements"]["objects"]
        by_uuid = {o["uuid"]: o for o in read}
        assert answer == [by_uuid[u] for u in (*part, part[0])]
        assert answer[0]["current"]["fraction"] == 9 and answer[1]["current"]["fraction"] == 7
        assert answer[1]["current"]["job_function"]["uuid"] == s.engagement_type
    assert counts[0] == counts[1], f"statements for 2 and 9 engagements: {counts}"
    assert completed == [True, True]
