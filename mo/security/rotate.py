"""Re-encrypting every stored CPR number under the current key: ``mo cpr-rotate``.

Every row of the person table (current and historical registrations alike) is
read, decrypted with whichever key of ``MO_CPR_KEYS`` it was sealed with, sealed
again under the first key and given the first key's lookup hash, in one
transaction, in place. Like migration 0004 this changes the storage format, not
the registry: no registration is written and every version keeps its times.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.db.engine import write_transaction
from mo.db.tables import TABLES
from mo.security.cpr import lookup_hash, ring

BATCH = 1000


@dataclass(frozen=True, slots=True)
class Rotated:
    rows: int
    key_id: str


async def rotate(engine: AsyncEngine) -> Rotated:
    """Seal every stored CPR number under the current key; returns how many rows."""
    t = TABLES["person"]
    key_id = ring().current[0]
    done = 0
    async with write_transaction(engine) as conn:
        # The Encrypted column decrypts on the way out and encrypts (current key) on the way in.
        rows = (await conn.execute(select(t.c.id, t.c.cpr_number).where(t.c.cpr_number.is_not(None)))).all()
        statement = (
            update(t)
            .where(t.c.id == bindparam("row_id"))
            .values(cpr_number=bindparam("number"), cpr_hash=bindparam("hash"))
        )
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            await conn.execute(
                statement, [{"row_id": r.id, "number": r.cpr_number, "hash": lookup_hash(r.cpr_number)} for r in batch]
            )
            done += len(batch)
    return Rotated(done, key_id)
