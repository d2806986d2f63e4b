"""Cursors: a position in uuid order plus the registration time of the first page.

Keeping the registration time in the cursor makes every page of one listing read
the same registered state, however long the client takes between pages.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from uuid import UUID

from mo.service.errors import InvalidInput


def encode(after: UUID, registration_time: datetime) -> str:
    raw = json.dumps({"after": str(after), "rt": registration_time.isoformat()}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode(cursor: str) -> tuple[UUID, datetime]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return UUID(data["after"]), datetime.fromisoformat(data["rt"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("cursor: not a cursor from page_info.next_cursor", field="cursor") from None


def encode_offset(offset: int) -> str:
    """A cursor for listings without a natural key order (the audit log)."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_offset(cursor: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"]
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("cursor: not a cursor from page_info.next_cursor", field="cursor") from None
    if not isinstance(offset, int) or offset < 0:
        raise InvalidInput("cursor: not a cursor from page_info.next_cursor", field="cursor")
    return offset
