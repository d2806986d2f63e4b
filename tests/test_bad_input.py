"""Bad input gets a coded error naming the field, and changes nothing."""

from __future__ import annotations

from tests.conftest import Client
from tests.seed import ENGAGEMENT, PERSON, engagement_input, seed

UNIT_UPDATE = "mutation ($input: OrganisationUnitUpdateInput!) { org_unit_update(input: $input) { uuid } }"
PERSON_UPDATE = "mutation ($input: EmployeeUpdateInput!) { employee_update(input: $input) { uuid } }"
UNIT_TERMINATE = "mutation ($input: OrganisationUnitTerminateInput!) { org_unit_terminate(input: $input) { uuid } }"


async def expect(gql: Client, mutation: str, data: dict, code: str, field: str | None = None) -> dict:
    before = (await gql.count("registration"), await gql.count("registration_object"))
    error = await gql.error(mutation, {"input": data})
    assert error["extensions"]["code"] == code, error
    if field is not None:
        assert error["extensions"]["field"] == field, error
    assert error["message"]
    assert (await gql.count("registration"), await gql.count("registration_object")) == before
    return error


async def test_validity_that_is_not_a_local_midnight_is_refused(gql: Client) -> None:
    s = await seed(gql)
    data = {"uuid": s.person, "given_name": "X", "validity": {"from": "2020-01-01T13:00:00+01:00"}}
    error = await expect(gql, PERSON_UPDATE, data, "INVALID_DATE", "validity.from")
    assert "midnight" in error["message"]


async def test_midnight_in_utc_is_not_midnight_in_copenhagen(gql: Client) -> None:
    s = await seed(gql)
    data = {"uuid": s.person, "given_name": "X", "validity": {"from": "2020-01-01T00:00:00Z"}}
    await expect(gql, PERSON_UPDATE, data, "INVALID_DATE", "validity.from")


async def test_to_before_from_is_refused(gql: Client) -> None:
    s = await seed(gql)
    data = {"uuid": s.person, "given_name": "X", "validity": {"from": "2020-01-01", "to": "2019-01-01"}}
    await expect(gql, PERSON_UPDATE, data, "INVALID_INTERVAL", "validity.to")


async def test_unknown_uuid_is_refused(gql: Client) -> None:
    await seed(gql)
    data = {"uuid": "6d5c6f4f-0000-4000-8000-000000000000", "given_name": "X", "validity": {"from": "2020-01-01"}}
    await expect(gql, PERSON_UPDATE, data, "NOT_FOUND", "uuid")


async def test_unknown_reference_is_refused(gql: Client) -> None:
    s = await seed(gql)
    data = engagement_input(s, "6d5c6f4f-0000-4000-8000-000000000000", "2020-01-01")
    await expect(gql, ENGAGEMENT, data, "NOT_FOUND", "org_unit")


async def test_invalid_cpr_is_refused(gql: Client) -> None:
    await seed(gql)
    for cpr in ["3213801234", "12345", "abcdefghij"]:
        error = await expect(gql, PERSON, {"given_name": "A", "surname": "B", "cpr_number": cpr}, "INVALID_CPR")
        assert "CPR" in error["message"] and cpr not in error["message"]


async def test_cpr_already_in_use_is_refused(gql: Client) -> None:
    await seed(gql)
    await expect(gql, PERSON, {"given_name": "A", "surname": "B", "cpr_number": "010180-1234"}, "CPR_IN_USE", "cpr_number")


async def test_engagement_outside_its_units_validity_is_refused(gql: Client) -> None:
    s = await seed(gql)
    error = await expect(gql, ENGAGEMENT, engagement_input(s, s.grandchild, "2011-01-01"), "OUTSIDE_VALIDITY", "org_unit")
    assert s.grandchild in error["message"]
    await expect(gql, ENGAGEMENT, engagement_input(s, s.grandchild, "2020-01-01"), "OUTSIDE_VALIDITY", "org_unit")
    await gql.ok(ENGAGEMENT, {"input": engagement_input(s, s.grandchild, "2020-01-01", "2030-01-01")})


async def test_moving_a_unit_below_its_descendant_is_refused(gql: Client) -> None:
    s = await seed(gql)
    data = {"uuid": s.root, "parent": s.grandchild, "validity": {"from": "2020-01-01"}}
    await expect(gql, UNIT_UPDATE, data, "ORG_UNIT_CYCLE", "parent")
    await expect(gql, UNIT_UPDATE, {**data, "parent": s.root}, "ORG_UNIT_CYCLE", "parent")


async def test_terminating_a_unit_with_children_is_refused(gql: Client) -> None:
    s = await seed(gql)
    await expect(gql, UNIT_TERMINATE, {"uuid": s.child, "to": "2020-01-01"}, "HAS_DEPENDENTS", "uuid")


async def test_a_failing_mutation_rolls_back_the_whole_request(gql: Client) -> None:
    s = await seed(gql)
    before = await gql.count("person")
    body = await gql(
        """
        mutation ($good: EmployeeCreateInput!, $bad: EmployeeUpdateInput!) {
          a: employee_create(input: $good) { uuid }
          b: employee_update(input: $bad) { uuid }
        }
        """,
        {
            "good": {"given_name": "Ny", "surname": "Person"},
            "bad": {"uuid": s.person, "given_name": "X", "validity": {"from": "2020-01-01", "to": "2010-01-01"}},
        },
    )
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "INVALID_INTERVAL"
    assert await gql.count("person") == before


async def test_clearing_a_required_field_is_refused(gql: Client) -> None:
    s = await seed(gql)
    await expect(
        gql, PERSON_UPDATE, {"uuid": s.person, "surname": None, "validity": {"from": "2020-01-01"}}, "REQUIRED_FIELD", "surname"
    )


async def test_the_service_refuses_what_the_api_would(gql: Client) -> None:
    """Rules live in the service, so callers other than GraphQL (loaders, workers) get them too."""
    from bitemporal import Interval, Registrar
    from mo.db.engine import write_transaction
    from mo.db.tables import registrations
    from mo.model import MODELS
    from mo.service import writes
    from mo.service.context import WriteContext
    from mo.service.errors import InvalidCPR, InvalidInput, InvalidInterval
    from mo.config import LOCAL_ADMIN
    from datetime import date

    s = await seed(gql)
    before = await gql.count()
    cases = [
        (InvalidInput, lambda ctx: writes.update(ctx, MODELS["org_unit"], s.root, Interval(date(2020, 1, 1)), {"nmae": "Y"})),
        (InvalidInterval, lambda ctx: writes.create(ctx, MODELS["org_unit"], None, Interval(), {"name": "X", "unit_type_uuid": None})),
        (InvalidCPR, lambda ctx: writes.create(ctx, MODELS["person"], None, Interval(), {"given_name": "A", "surname": "B", "cpr_number": "12-34"})),
    ]
    for error, write in cases:
        try:
            async with write_transaction(gql.engine) as conn:
                await write(WriteContext(conn, Registrar(conn, registrations, LOCAL_ADMIN), date(2026, 1, 1)))
        except error:
            pass
        else:
            raise AssertionError(f"expected {error.__name__}")
    assert await gql.count() == before
