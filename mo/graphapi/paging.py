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
