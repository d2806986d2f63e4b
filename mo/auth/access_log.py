"""The read access log: who read which objects, through which root field and filter.

Off by default; ``MO_ACCESS_LOG=true`` turns it on. Then, after every request
that read something, one row per root collection field read goes into the
``access_log`` table (in a short transaction of its own): the time, the actor,
the operation's name, the field, its arguments (filter, limit, cursor) and the
uuids it returned at top level. CPR numbers in a filter are never stored: they
are replaced by ``"<redacted>"``. Admins read the log through ``access_log``.
"""

from __future__ import annotations

import json
from dataclasses import is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mo.auth.permissions import CPR_ARGUMENTS
from mo.db.engine import write_transaction
from mo.db.tables import access_log

REDACTED = "<redacted>"


def note_read(info: Any, model: str, flt: Any, page: Any, uuids: list[UUID] | None = None) -> None:
    """Remember that a root field returned ``page``'s objects (when the log is on)."""
    ctx = info.context
    if getattr(ctx, "log_reads", False):
        note(ctx, info.field_name, model, flt, page, uuids)


def note(ctx: Any, field_name: str, model: str, flt: Any, page: Any, uuids: list[UUID] | None = None) -> None:
    """``note_read`` for the root field ``field_name`` of the request ``ctx`` (whose log is on)."""
    described = describe(flt)
    arguments = {} if described is None else {"filter": described}
    if uuids is None:
        uuids = [obj.uuid for obj in getattr(page, "objects", ())]
    ctx.reads.append((field_name, model, arguments, uuids))


def describe(value: Any) -> Any:
    """Arguments as JSON, CPR numbers redacted."""
    from strawberry import UNSET

    if value is None or value is UNSET:
        return None
    if isinstance(value, dict):
        return {k: (REDACTED if k in CPR_ARGUMENTS else describe(v)) for k, v in value.items() if v is not UNSET}
    if isinstance(value, (list, tuple, set)):
        return [describe(v) for v in value]
    if isinstance(value, (UUID, date, datetime)):
        return str(value) if isinstance(value, UUID) else value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)):
        return value
    definition = getattr(type(value), "__strawberry_definition__", None)
    if definition is not None or is_dataclass(value):
        fields = definition.fields if definition is not None else []
        out = {}
        for field in fields:
            item = getattr(value, field.python_name, UNSET)
            if item is UNSET or (item is None and getattr(field, "default", None) is None):
                continue  # not given (an explicit null is kept where null is not the default)
            out[field.name] = REDACTED if field.python_name in CPR_ARGUMENTS and item is not None else describe(item)
        return out
    return str(value)


async def write(engine: AsyncEngine, ctx: Any, operation: str | None, time: datetime) -> None:
    """Store the request's reads (if any) in the access log."""
    if not ctx.reads:
        return
    rows = [
        {
            "id": uuid4(),
            "time": time,
            "actor": ctx.actor,
            "operation": operation,
            "field": field,
            "model": model,
            "arguments": json.dumps(arguments, sort_keys=True, separators=(",", ":")),
            "uuids": json.dumps([str(u) for u in uuids]),
        }
        for field, model, arguments, uuids in ctx.reads
    ]
    async with write_transaction(engine) as conn:
        await conn.execute(insert(access_log), rows)
