"""Related units: a symmetric relation between two organisation units."""

from __future__ import annotations

from typing import Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.records import Record
from mo.graphapi.relations import page_of
from mo.graphapi.response import Validity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.fields import lazy_filter, lazy_type, object_type


def _units(self: Any) -> list[UUID]:
    assert isinstance(self, Record)
    return [self.values["org_unit_uuid"], self.values["other_org_unit_uuid"]]


async def _units_response(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
    assert isinstance(self, Record)
    return page_of(_units(self), self.relation_window)


_units_response.__annotations__ = {
    "info": Info,
    "filter": lazy_filter("UuidsBoundOrganisationUnitFilter"),
    "limit": Optional[LimitInt],
    "cursor": Optional[Cursor],
    "return": lazy_type("org_unit", "ResponsePaged"),
}


@strawberry.field(description="The two units' uuids.", deprecation_reason="Use org_units_response.")
def _uuids(self: Any) -> list[UUID]:
    return _units(self)


RelatedUnit = object_type(
    "RelatedUnit",
    "A relation between two organisation units.",
    __name__,
    {
        "uuid": (UUID, "The relation's uuid."),
        "user_key": (str, "A short key for the relation."),
        "validity": (Validity, "The days this version holds."),
    },
    [],
    extra={
        "org_units_response": strawberry.field(resolver=_units_response, description="The two related units."),
        "org_unit_uuids": _uuids,
    },
    kind="related_units",
)

RelatedUnitResponse, RelatedUnitResponsePaged, RelatedUnitResponseRegistration = response_types(
    "related_unit", RelatedUnit, "RelatedUnit", "unit relation"
)
