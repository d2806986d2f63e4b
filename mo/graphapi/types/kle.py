"""KLE annotations: which tasks (KLE numbers and aspects) a unit handles."""

from __future__ import annotations

from typing import Any, Optional
from uuid import UUID

import strawberry
from strawberry.types import Info

from mo.graphapi.records import Record
from mo.graphapi.relations import page_of
from mo.graphapi.response import Validity, response_types
from mo.graphapi.scalars import Cursor, LimitInt
from mo.graphapi.types.fields import Rel, lazy_filter, lazy_type, object_type, uuid_list


async def _aspects(self: Any, info: Info, filter: Any = None, limit: Any = None, cursor: Any = None) -> Any:  # noqa: A002
    assert isinstance(self, Record)
    return page_of(self.values.get("kle_aspects") or (), self.relation_window)


_aspects.__annotations__ = {
    "info": Info,
    "filter": lazy_filter("UuidsBoundClassFilter"),
    "limit": Optional[LimitInt],
    "cursor": Optional[Cursor],
    "return": lazy_type("class", "ResponsePaged"),
}

KLE = object_type(
    "KLE",
    "A KLE annotation: a task area (KLE number and aspects) a unit handles.",
    __name__,
    {
        "uuid": (UUID, "The annotation's uuid."),
        "user_key": (str, "A short key for the annotation."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("kle_number", "kle_number_uuid", "class", "The KLE number.", required=True, old="one", uuid_field="kle_number_uuid"),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit annotated.", uuid_field="org_unit_uuid"),
    ],
    extra={
        "kle_aspects_response": strawberry.field(resolver=_aspects, description="The KLE aspects."),
        "kle_aspect_uuids": uuid_list("kle_aspects", "The aspects' uuids.", "kle_aspects"),
    },
    kind="kle",
)

KLEResponse, KLEResponsePaged, KLEResponseRegistration = response_types("kle", KLE, "KLE", "KLE annotation")
