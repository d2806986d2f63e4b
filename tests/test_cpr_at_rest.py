"""CPR numbers are encrypted at rest and never written to logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from mo.security.cpr import CPRKeyError, decrypt, encrypt, new_key_entry, parse_ring
from tests.conftest import Client
from tests.seed import PERSON, create

CPR = "1212901234"


async def test_the_database_holds_no_cpr_in_clear_text(gql: Client, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    uuid = await create(gql, PERSON, {"given_name": "Sofie", "surname": "Dahl", "cpr_number": CPR})
    found = await gql.ok(
        "query ($c: CPR!) { employees(filter: {cpr_numbers: [$c]}) { objects { uuid current { cpr_number } } } }",
        {"c": CPR},
    )
    assert found["employees"]["objects"] == [{"uuid": uuid, "current": {"cpr_number": CPR}}]
    async with gql.engine.connect() as conn:
        for table in ("person",):
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).fetchall()
            assert rows and all(CPR not in repr(row) for row in rows)
    if gql.engine.dialect.name == "sqlite":
        path = gql.engine.url.database
        assert path is not None
        for suffix in ("", "-wal"):
            try:
                raw = open(path + suffix, "rb").read()
            except FileNotFoundError:
                continue
            assert CPR.encode() not in raw, f"clear-text CPR in {path + suffix}"
    assert CPR not in caplog.text


async def test_an_invalid_cpr_is_not_echoed(gql: Client) -> None:
    error = await gql.error(PERSON, {"input": {"given_name": "A", "surname": "B", "cpr_number": "3213901234"}})
    assert error["extensions"]["code"] == "INVALID_CPR" and "3213901234" not in error["message"]


def test_values_encrypted_under_an_older_key_still_decrypt_after_rotation() -> None:
    old_entry = new_key_entry("old")
    sealed = encrypt(CPR, parse_ring(old_entry))
    rotated = parse_ring(new_key_entry("new") + "," + old_entry)
    assert decrypt(sealed, rotated) == CPR
    assert encrypt(CPR, rotated).startswith("new$")
    with pytest.raises(CPRKeyError):
        decrypt(sealed, parse_ring(new_key_entry("other")))
