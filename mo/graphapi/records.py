"""Plain objects the GraphQL types read from.

Strawberry reads fields with ``getattr``, so a version is handed over as a light
``Record`` instead of a strawberry dataclass: building 10k of them is cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from bitemporal import Interval
from mo.graphapi.window import Window
from mo.timezone import midnight


class Sealed:
    """A secret field's ciphertext as read, decrypted only when a field shows it.

    A page of 10k persons would otherwise decrypt 10k CPR numbers (AES-GCM) that
    the page rarely asks for; showing one is still guarded (``mo.auth.cpr``).
    """

    __slots__ = ("_text", "_plain")

    def __init__(self, text: str) -> None:
        self._text = text
        self._plain: str | None = None

    def open(self) -> str:
        if self._plain is None:
            from mo.security.cpr import decrypt

            self._plain = decrypt(self._text)
        return self._plain


def unseal(value: Any) -> Any:
    """``value``, decrypted if it is ``Sealed``."""
    return value.open() if type(value) is Sealed else value


class ValidityValue:
    """A version's validity as GraphQL shows it: local midnights, ``null`` when open."""

    __slots__ = ("from_", "to")

    def __init__(self, interval: Interval) -> None:
        self.from_: datetime | None = midnight(interval.start)
        self.to: datetime | None = midnight(interval.end)


class Record:
    """One version of one object, and the window it was read through.

    Relations of the version are read through ``window`` narrowed to the version's
    own validity, so they are "as of the same time" as the version.
    """

    __slots__ = ("uuid", "values", "interval", "window", "_relation_window")

    def __init__(self, uuid: UUID, values: Mapping[str, Any], interval: Interval, window: Window) -> None:
        self.uuid = uuid
        self.values = values
        self.interval = interval
        self.window = window
        self._relation_window: Window | None = None

    def __getattr__(self, name: str) -> Any:
        values = self.values
        if name in values:
            return unseal(values[name])
        raise AttributeError(name)

    @property
    def validity(self) -> ValidityValue:
        return ValidityValue(self.interval)

    @property
    def relation_window(self) -> Window:
        window = self._relation_window
        if window is None:
            window = self._relation_window = self.window.narrow(self.interval)
        return window


@dataclass(frozen=True, slots=True)
class ResponseValue:
    """An object (all its versions), seen through ``window`` by default."""

    uuid: UUID
    window: Window
