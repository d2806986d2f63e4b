"""A text column encrypted at rest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from mo.security.cpr import decrypt, encrypt


class Encrypted(TypeDecorator[str]):
    """Plain text in Python, AES-GCM ciphertext in the database.

    Encryption is randomised, so never compare this column in SQL: compare its
    keyed hash column instead.
    """

    impl = Text()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else decrypt(value)
