"""What a write needs: the transaction, its registration and the day it runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from bitemporal import Registrar


@dataclass(slots=True)
class WriteContext:
    conn: AsyncConnection
    registrar: Registrar
    today: date
