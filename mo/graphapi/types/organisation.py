"""The organisation root: one per installation."""

from __future__ import annotations

from typing import Optional
from uuid import UUID

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from mo.db.tables import organisation
from mo.graphapi.context import context
from mo.service.errors import NotFound


@strawberry.type(name="Organisation", description="The organisation the registry describes (one per installation).")
class Organisation:
    uuid: UUID = strawberry.field(description="The organisation's uuid.")
    user_key: str = strawberry.field(description="The organisation's key.")
    name: str = strawberry.field(description="The organisation's name.")
    municipality_code: Optional[int] = strawberry.field(description="The Danish municipality code, if any.")

    @strawberry.field(description="Always `organisation`.", deprecation_reason="Unintentionally exposed.")
    def type(self) -> str:
        return "organisation"


async def load_organisation(info: Info) -> Organisation:
    row = (await context(info).execute(select(organisation).limit(1))).first()
    if row is None:
        raise NotFound("no organisation has been created yet; create it with org_create")
    return Organisation(uuid=row.uuid, user_key=row.user_key, name=row.name, municipality_code=row.municipality_code)


async def organisation_uuid(info: Info) -> UUID:
    return (await load_organisation(info)).uuid
