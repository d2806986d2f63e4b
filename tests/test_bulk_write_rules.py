"""A bulk write checks all its new versions at once, and item by item only when that fails.

Whatever rule the items break, the error is the one the item-by-item checks give
for the first item that breaks one (``mo.service.writes._all_valid``).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import Client
from tests.seed import Seed, engagement_input, seed

CREATE_MANY = "mutation ($input: [EngagementCreateInput!]!) { engagements_create(input: $input) { uuid } }"
UPDATE_MANY = "mutation ($input: [EngagementUpdateInput!]!) { engagements_update(input: $input) { uuid } }"
UNKNOWN = "6f1d7c55-0000-4000-8000-000000000000"


async def _made(gql: Client, s: Seed, n: int) -> list[str]:
    data = await gql.ok(CREATE_MANY, {"input": [engagement_input(s, s.child, "2015-01-01") for _ in range(n)]})
    return [item["uuid"] for item in data["engagements_create"]]


def _change(uuid: str, **values: Any) -> dict[str, Any]:
    return {"uuid": uuid, "validity": {"from": "2027-01-01"}, **values}


async def _first_error(gql: Client, items: list[dict[str, Any]]) -> tuple[str, str, int]:
    error = await gql.error(UPDATE_MANY, {"input": items})
    extensions = error["extensions"]
    assert f"item {extensions['index']}" in error["message"], error
    return extensions["code"], extensions["field"], extensions["index"]


async def test_of_two_bad_items_the_first_is_reported_whichever_rule_it_breaks(gql: Client) -> None:
    s = await seed(gql)
    made = await _made(gql, s, 4)
    good = _change(made[0], fraction=3)
    unknown_job = _change(made[1], job_function=UNKNOWN)
    outside = _change(made[2], org_unit=s.grandchild)  # Nordskolen ends in 2030
    no_job = _change(made[3], job_function=None)
    assert await _first_error(gql, [good, unknown_job, outside]) == ("NOT_FOUND", "job_function", 1)
    assert await _first_error(gql, [good, outside, unknown_job]) == ("OUTSIDE_VALIDITY", "org_unit", 1)
    assert await _first_error(gql, [good, no_job, outside]) == ("REQUIRED_FIELD", "job_function", 1)
    assert await _first_error(gql, [outside, no_job]) == ("OUTSIDE_VALIDITY", "org_unit", 0)


async def test_a_later_item_can_mend_what_an_earlier_item_of_the_same_object_broke_only_for_itself(
    gql: Client,
) -> None:
    """Item 0 moves the engagement to a unit that ends in 2030; item 1 of the same
    engagement moves it back from 2028. Item 0's own new version still runs past
    2030, so it is refused, as it would be on its own."""
    s = await seed(gql)
    [made] = await _made(gql, s, 1)
    back = {**_change(made, org_unit=s.child), "validity": {"from": "2028-01-01"}}
    items = [_change(made, org_unit=s.grandchild), back]
    assert await _first_error(gql, items) == ("OUTSIDE_VALIDITY", "org_unit", 0)
    fine = [{**items[0], "validity": {"from": "2027-01-01", "to": "2029-01-01"}}, items[1]]
    data = await gql.ok(UPDATE_MANY, {"input": fine})
    assert [item["uuid"] for item in data["engagements_update"]] == [made, made]
