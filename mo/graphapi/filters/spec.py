"""Declared filter fields and the factory that turns them into input types."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable

import strawberry
from sqlalchemy import ColumnElement, Table

if TYPE_CHECKING:
    from mo.graphapi.filters.compiler import Compiler
    from mo.graphapi.window import Window

#: (compiler, table, value, window) -> a condition on the table's rows
Apply = Callable[["Compiler", Table, Any, "Window"], ColumnElement[bool]]


@dataclass(frozen=True, slots=True)
class FilterField:
    name: str
    annotation: str
    """The Python annotation as text; names resolve among the filter inputs."""
    description: str
    apply: Apply | None = None
    """``None`` for the fields every filter handles itself (dates, registration time)."""
    default: Any = None
    deprecation: str | None = None
    null_selects: bool = False
    """Whether an explicit ``null`` is a condition (``parent: null`` = roots)
    rather than "no condition"."""


def make_input(name: str, description: str, fields: Iterable[FilterField], module: str) -> type:
    """A strawberry input type named ``name`` with ``fields``, defined in ``module``."""
    annotations: dict[str, str] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": module, "__doc__": description}
    specs: dict[str, FilterField] = {}
    for field in fields:
        annotations[field.name] = field.annotation
        namespace[field.name] = strawberry.field(
            default=field.default, description=field.description, deprecation_reason=field.deprecation
        )
        specs[field.name] = field
    cls = type(name, (), namespace)
    cls.__filter_fields__ = specs  # type: ignore[attr-defined]
    result = strawberry.input(name=name, description=description)(cls)
    setattr(sys.modules[module], name, result)
    return result


def fields_of(value: Any) -> dict[str, FilterField]:
    return getattr(type(value), "__filter_fields__", {})

