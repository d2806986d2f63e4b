"""One strawberry annotation per distinct field type of a module.

strawberry gives every field an annotation object of its own and works out each
one's type on the field's first look: evaluating it, and making the optional or
list type it stands for. A module's inputs repeat a few dozen types (``UUID``,
``Optional[str]``, ``ValidityInput``, ...) over some hundreds of fields, so
:func:`shared` lets the fields declared with the same type share one annotation,
worked out once: 4 % of the start-up's instructions for ``mo.graphapi.inputs``
and ``mo.graphapi.events`` (callgrind). The filter inputs share theirs through
``mo.graphapi.filters.spec.evaluate``.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, TypeVar, get_origin

from strawberry.annotation import StrawberryAnnotation
from strawberry.types.field import StrawberryField

T = TypeVar("T", bound=type)

_SHARED: dict[tuple[Any, str], StrawberryAnnotation] = {}


def shared(cls: T) -> T:
    """``cls`` (before strawberry's decorator) with the annotations of its
    ``strawberry.field()`` fields replaced by the module's shared ones. Left as they
    are: fields with a resolver or without ``strawberry.field()`` (strawberry wraps
    their annotation in one of its own), text annotations (evaluated where strawberry
    looks them up), ``Annotated`` ones (their metadata is the field's own) and any
    that cannot be a key."""
    annotations = cls.__dict__.get("__annotations__", {})
    module = cls.__module__
    for name, raw in annotations.items():
        if isinstance(raw, (str, StrawberryAnnotation)) or get_origin(raw) is Annotated:
            continue
        field = cls.__dict__.get(name)
        if not isinstance(field, StrawberryField) or field.base_resolver is not None:
            continue
        key = (raw, module)
        try:
            annotation = _SHARED.get(key)
        except TypeError:  # unhashable
            continue
        if annotation is None:
            annotation = _SHARED[key] = StrawberryAnnotation(raw, namespace=vars(sys.modules[module]))
        annotations[name] = annotation
    return cls
