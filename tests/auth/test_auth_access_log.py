"""The read access log: off by default; on, it records who read which objects with which filter."""

from __future__ import annotations

import json
import logging

import pytest
from authkit import ACCOUNTS, MO
from issuer import Issuer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Client
from tests.seed import PERSON, create, seed

CPR = "1212901234"
READ = 'query Units { org_units(filter: {user_keys: ["Skoler", "nope"]}) { objects { uuid } } }'
LOG = "query { access_log { objects { id actor actor_object { uuid } model uuids field operation arguments } } }"


async def test_off_by_default(mo: MO, admin: Client) -> None:
    await seed(admin)
    await mo.ok("reader", READ)
    assert await mo.count("access_log") == 0


async def test_on_it_records_actor_field_filter_and_uuids(
    sqlite_engine: AsyncEngine, admin: Client, issuer: Issuer, tokens: dict[str, str]
) -> None:
    s = await seed(admin)
    await admin.ok(
        "mutation ($i: OrganisationUnitUpdateInput!) { org_unit_update(input: $i) { uuid } }",
        {"i": {"uuid": s.child, "user_key": "Skoler", "validity": {"from": "2010-01-01"}}},
    )
    async with MO.running(sqlite_engine, issuer, tokens, access_log=True) as mo:
        await mo.ok("reader", READ)
        await mo.forbidden("reader", LOG)
        data = await mo.ok("admin", LOG)
    entries = data["access_log"]["objects"]
    [read] = [e for e in entries if e["field"] == "org_units"]
    reader = str(ACCOUNTS["reader"].sub)
    assert read["actor"] == reader and read["actor_object"] == {"uuid": reader}
    assert read["model"] == "ORGANISATION_UNIT" and read["operation"] == "Units"
    assert read["uuids"] == [s.child]
    assert json.loads(read["arguments"]) == {"filter": {"user_keys": ["Skoler", "nope"]}}


@pytest.mark.parametrize("level", [logging.DEBUG])
async def test_no_cpr_in_logs_or_the_access_log_during_requests_with_a_token(
    sqlite_engine: AsyncEngine,
    admin: Client,
    issuer: Issuer,
    tokens: dict[str, str],
    caplog: pytest.LogCaptureFixture,
    level: int,
) -> None:
    """Requests with tokens that write, read, filter by and mistype CPR numbers; SQL echo on."""
    caplog.set_level(level)
    async with MO.running(sqlite_engine, issuer, tokens, access_log=True, sql_echo=True) as mo:
        await mo.ok("hr", PERSON, {"input": {"given_name": "Sofie", "surname": "Dahl", "cpr_number": CPR}})
        inline = f'mutation {{ employee_create(input: {{given_name: "Ib", surname: "Ny", cpr_number: "{CPR[:6]}4321"}}) {{ uuid }} }}'
        await mo.ok("hr", inline)
        found = await mo.ok(
            "hr",
            f'query {{ persons(filter: {{cpr_numbers: ["{CPR}"]}}) {{ objects {{ current {{ cpr_number }} }} }} }}',
        )
        assert found["persons"]["objects"] == [{"current": {"cpr_number": CPR}}]
        found = await mo.ok(
            "ad", "query ($c: [CPR!]) { employees(filter: {cpr_numbers: $c}) { objects { uuid } } }", {"c": [CPR]}
        )
        assert len(found["employees"]["objects"]) == 1
        await mo.forbidden(
            "reader", f'query {{ persons(filter: {{cpr_numbers: ["{CPR}"]}}) {{ objects {{ uuid }} }} }}'
        )
        await mo.forbidden("owner", PERSON, {"input": {"given_name": "A", "surname": "B", "cpr_number": CPR}})
        bad = await mo.gql("hr", 'query { persons(filter: {cpr_numbers: ["1312901234x"]}) { objects { uuid } } }')
        assert bad["errors"] and "1312901234x" not in json.dumps(bad)
        await create(admin, PERSON, {"given_name": "Lars", "surname": "Lund", "cpr_number": "0202024321"})
        await mo.ok("reader", "query { persons { objects { current { cpr_number } } } }")
    assert caplog.records, "the request was logged at all"
    assert "SELECT" in caplog.text, "SQL echo was on"
    for number in (CPR, f"{CPR[:6]}4321", "1312901234", "0202024321"):
        assert number not in caplog.text
    async with sqlite_engine.connect() as conn:
        rows = (await conn.execute(text("SELECT arguments, uuids FROM access_log"))).all()
    assert len(rows) >= 3 and all(CPR not in row.arguments for row in rows)
    assert any('"cpr_numbers":"<redacted>"' in row.arguments for row in rows)
