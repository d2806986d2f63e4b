"""Declared filter fields and the factory that turns them into input types."""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from sqlalchemy import ColumnElement, Table
from strawberry.annotation import StrawberryAnnotation

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


class _Names(Mapping[str, Any]):
    """The names an annotation may use: ``module``'s, then the builtins; any other
    name is an input type ``module`` defines later, referred to lazily."""

    def __init__(self, module: str) -> None:
        self.module = module
        self.scope = vars(sys.modules[module])

    def __getitem__(self, name: str) -> Any:
        if name in self.scope:
            return self.scope[name]
        if hasattr(builtins, name):
            return getattr(builtins, name)
        return Annotated[name, strawberry.lazy(self.module)]

    def __iter__(self) -> Iterator[str]:
        return iter(self.scope)

    def __len__(self) -> int:
        return len(self.scope)


def evaluate(annotation: str, module: str) -> StrawberryAnnotation:
    """``annotation`` evaluated now in ``module``, as one strawberry annotation
    shared by every field declared with the same text.

    strawberry would evaluate a text annotation again (parsing it each time) on
    every look at the field until the names it uses exist, and resolve each
    field's type on its own, which made building the ~70 filter inputs (~600
    fields, ~40 distinct annotations) take ~0.4 s; a shared annotation keeps
    its evaluated and resolved type, so each is worked out once.
    """
    key = (annotation, module)
    if key not in _EVALUATED:
        names = _Names(module)
        evaluated = eval(annotation, {"__builtins__": {}}, names)  # noqa: S307 - our own declarations
        _EVALUATED[key] = StrawberryAnnotation(evaluated, namespace=names.scope)
    return _EVALUATED[key]


_EVALUATED: dict[tuple[str, str], StrawberryAnnotation] = {}


def make_input(name: str, description: str, fields: Iterable[FilterField], module: str) -> type:
    """A strawberry input type named ``name`` with ``fields``, defined in ``module``."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": module, "__doc__": description}
    specs: dict[str, FilterField] = {}
    for field in fields:
        annotations[field.name] = evaluate(field.annotation, module)
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

