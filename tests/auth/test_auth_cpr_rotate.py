"""`mo cpr-rotate`: every stored CPR number re-sealed under the new key, in place, history included."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from mo.security import cpr
from mo.security.rotate import rotate
from tests.conftest import Client
from tests.seed import PERSON, create

NUMBERS = ("0101801234", "0202812345", "0303823456")
FIND = "query ($c: [CPR!]) { employees(filter: {cpr_numbers: $c}) { objects { uuid current { cpr_number } } } }"


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The session's key; the test may change MO_CPR_KEYS, and the ring is reloaded either way."""
    old = os.environ["MO_CPR_KEYS"]
    cpr.ring.cache_clear()
    try:
        yield old
    finally:
        monkeypatch.setenv("MO_CPR_KEYS", old)
        cpr.ring.cache_clear()


async def stored(gql: Client) -> list[tuple[str, str]]:
    async with gql.engine.connect() as conn:
        rows = await conn.execute(text("SELECT cpr_number, cpr_hash FROM person WHERE cpr_number IS NOT NULL"))
        return [(row.cpr_number, row.cpr_hash) for row in rows]


async def test_rotation_reseals_every_row_and_lookups_keep_working(
    gql: Client, keys: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    uuids = [
        await create(gql, PERSON, {"given_name": f"P{n}", "surname": "R", "cpr_number": c})
        for n, c in enumerate(NUMBERS)
    ]
    # a historical row too: the first person's CPR number was corrected
    await gql.ok(
        "mutation ($i: EmployeeUpdateInput!) { employee_update(input: $i) { uuid } }",
        {"i": {"uuid": uuids[0], "cpr_number": "0101801235", "validity": {"from": "2000-01-01"}}},
    )
    before = await stored(gql)
    assert len(before) > 4 and all(value.startswith("test$") for value, _ in before)

    new = cpr.new_key_entry("k2")
    monkeypatch.setenv("MO_CPR_KEYS", f"{new},{keys}")
    cpr.ring.cache_clear()
    done = await rotate(gql.engine)
    assert done.rows == len(before) and done.key_id == "k2"
    after = await stored(gql)
    assert all(value.startswith("k2$") for value, _ in after)
    assert {h for _, h in after}.isdisjoint({h for _, h in before}), "the lookup hashes moved to the new key"

    monkeypatch.setenv("MO_CPR_KEYS", new)  # the old key is gone
    cpr.ring.cache_clear()
    for number, uuid in zip(("0101801235", *NUMBERS[1:]), uuids, strict=True):
        found = await gql.ok(FIND, {"c": [number]})
        assert found["employees"]["objects"] == [{"uuid": uuid, "current": {"cpr_number": number}}]
    history = await gql.ok(
        "query ($u: [UUID!]) { employees(filter: {uuids: $u}) { objects { registrations { current { cpr_number } } } } }",
        {"u": [uuids[0]]},
    )
    numbers = {r["current"]["cpr_number"] for r in history["employees"]["objects"][0]["registrations"] if r["current"]}
    assert numbers == {"0101801234", "0101801235"}, "the old registration decrypts under the new key too"


async def test_rotation_is_a_command(
    gql: Client, keys: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mo.cli import _cpr_rotate
    from mo.config import Settings

    await create(gql, PERSON, {"given_name": "A", "surname": "B", "cpr_number": NUMBERS[0]})
    url = gql.engine.url.render_as_string(hide_password=False)
    monkeypatch.setattr("mo.cli.get_settings", lambda: Settings(database_url=url))
    monkeypatch.setenv("MO_CPR_KEYS", f"{cpr.new_key_entry('k3')},{keys}")
    cpr.ring.cache_clear()
    import asyncio

    await asyncio.to_thread(_cpr_rotate, None)  # type: ignore[arg-type]
    assert "1 stored CPR number(s) sealed under key 'k3'" in capsys.readouterr().out
    assert all(value.startswith("k3$") for value, _ in await stored(gql))
