"""The declaration language for object types."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.types import TypeEngine

from bitemporal.columns import FastUuid, UUIDList


class Ref(Enum):
    """How a reference to another object constrains both of them in time."""

    EXISTS = "exists"
    """The target must exist (now, in some period); ending it is not restricted."""

    COVER = "cover"
    """The target must be valid over the whole period of the referring version, and
    the target cannot be terminated or deleted while referring versions remain."""

    CASCADE = "cascade"
    """Like COVER, but terminating the target terminates the referring objects too."""


@dataclass(frozen=True, slots=True)
class Field:
    """One value of an object's versions, stored as one column."""

    name: str
    type: type
    """str, int, bool, date, UUID, or list (a set of uuids)."""
    description: str
    required: bool = False
    target: str | None = None
    ref: Ref = Ref.EXISTS
    default: Any = None
    secret: bool = False
    """Encrypted at rest (see mo.security.cpr); compare only through a derived hash."""
    derived: bool = False
    """Computed by the service from other fields; clients cannot set it."""

    def sql_type(self) -> TypeEngine[Any]:
        if self.type is UUID:
            return FastUuid()
        if self.type is list:
            return UUIDList()
        if self.type is date:
            return Date()
        if self.type is int:
            return Integer()
        if self.type is bool:
            return Boolean()
        if self.type is str and self.secret:
            from mo.security.columns import Encrypted

            return Encrypted()
        if self.type is str:
            return Text() if self.name == "description" else String(255)
        raise TypeError(f"no column type for {self.type!r}")


@dataclass(frozen=True, slots=True)
class Model:
    """An object type of the registry."""

    name: str
    """The type's name: table, audit model, event routing key (``org_unit``)."""

    title: str
    """What a person calls one of them, for messages ("organisation unit")."""

    fields: tuple[Field, ...]
    open_validity: bool = False
    """Whether versions may start at minus infinity (persons, facets, classes)."""

    indexes: tuple[str, ...] = field(default=())
    """Value columns besides references that get a ``(column, valid_from)`` index."""

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def secret_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.secret)

    @property
    def list_fields(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.type is list)

    @property
    def references(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.target is not None)
