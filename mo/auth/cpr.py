"""CPR numbers are read only with ``read_cpr``.

Without it, ``Employee.cpr_number`` (and its old name ``cpr_no``) is null, so
listings keep working for callers that do not need CPR numbers; filtering by
``cpr_numbers`` or setting ``cpr_number`` is refused with ``FORBIDDEN`` (see
``mo.auth.permissions.Needs``). The guard wraps the resolvers of the built
schema, so no type module has to know about it.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLSchema, default_field_resolver
from mo.auth.permissions import READ_CPR

#: (type, field) pairs whose values are CPR numbers.
CPR_FIELDS = (("Employee", "cpr_number"), ("Employee", "cpr_no"))


def guard_cpr_fields(schema: GraphQLSchema) -> None:
    for type_name, field_name in CPR_FIELDS:
        field = schema.type_map[type_name].fields[field_name]  # type: ignore[attr-defined]
        field.resolve = _guarded(field.resolve or default_field_resolver)


def _guarded(resolve: Any) -> Any:
    def resolver(source: Any, info: Any, **kwargs: Any) -> Any:
        principal = getattr(info.context, "principal", None)
        if principal is None or not principal.can(READ_CPR):
            return None
        return resolve(source, info, **kwargs)

    resolver.__name__ = f"cpr_guarded_{getattr(resolve, '__name__', 'resolver')}"
    # reads only info.context: as lean as what it guards (mo.graphapi.fast)
    resolver.__mo_lean__ = getattr(resolve, "__mo_lean__", False)  # type: ignore[attr-defined]
    # the stored field it shows and the permission it needs, for joined listings (mo.graphapi.joined)
    attribute = getattr(resolve, "__mo_attribute__", None)
    if attribute is not None:
        resolver.__mo_guarded__ = (attribute, READ_CPR)  # type: ignore[attr-defined]
    return resolver
