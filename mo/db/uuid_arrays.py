"""A list of uuids as one PostgreSQL ``uuid[]`` parameter, sent in binary.

The loaders pass their keys as one array parameter (``uuid = ANY(:uuids)``), up
to some 10,000 uuids per statement. psycopg's generic list dumper writes such an
array as text: each uuid formatted as a string and matched against a regular
expression to see whether it needs quoting, then the whole text parsed again by
the server - about a tenth of a 10k-person page. The binary form is a fixed
header and 20 bytes per uuid (a length and ``uuid.bytes``), so that is what
:class:`UuidArray` sends.
"""

from __future__ import annotations

import struct
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy.types import UserDefinedType

UUID_OID = 2950
UUID_ARRAY_OID = 2951

_HEADER = struct.Struct(">iiiii")  # dimensions, has nulls, element type, length, lower bound
_EMPTY = struct.pack(">iii", 0, 0, UUID_OID)
_ITEM = struct.pack(">i", 16)  # every element is 16 bytes


class UuidList(list[UUID]):
    """Marks a list to be sent as a binary ``uuid[]``."""


def dump(obj: list[Any]) -> bytes:
    """The binary ``uuid[]`` form of ``obj``."""
    if not obj:
        return _EMPTY
    item = _ITEM
    try:
        body = b"".join([item + uuid.bytes for uuid in obj])
    except AttributeError:  # not all UUID objects
        body = b"".join([item + UUID(str(uuid)).bytes for uuid in obj])
    return _HEADER.pack(1, 0, UUID_OID, len(obj), 1) + body


@cache
def register() -> None:
    """Teach psycopg to send a ``UuidList``. Called when a PostgreSQL engine is made,
    before its first connection (a connection copies the adapters when it is made);
    psycopg is imported only here: on SQLite it never is, and it costs some 9 MiB."""
    import psycopg
    from psycopg import pq
    from psycopg.adapt import Dumper

    class BinaryDumper(Dumper):
        format = pq.Format.BINARY
        oid = UUID_ARRAY_OID

        def dump(self, obj: Any) -> bytes:
            return dump(obj)

    psycopg.adapters.register_dumper(UuidList, BinaryDumper)


class UuidArray(UserDefinedType[list[UUID]]):
    """The SQLAlchemy type of a bound list of uuids on PostgreSQL (``uuid[]``, sent in binary)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "UUID[]"

    def bind_processor(self, dialect: Any) -> Any:
        def process(value: Any) -> Any:
            return None if value is None else UuidList(value)

        return process
