"""Addresses: e-mails, phone numbers, postal (DAR) addresses and more, typed by class scope."""

from __future__ import annotations

from typing import Any, Optional
from uuid import UUID

import strawberry

from mo.graphapi import joined
from mo.graphapi.records import Record
from mo.graphapi.response import Validity, response_types
from mo.graphapi.types.fields import Rel, object_type, uuid_of

M = __name__


@strawberry.interface(description="An address resolved into its parts.")
class ResolvedAddress:
    value: str = strawberry.field(description="The address as stored.")


@strawberry.type(description="An address with no further structure.")
class DefaultAddress(ResolvedAddress):
    pass


@strawberry.type(description="A Danish postal address from DAR (needs a DAR source; not resolved yet).")
class DARAddress(ResolvedAddress):
    description: str = strawberry.field(description="The address as one line.")
    road_code: int = strawberry.field(description="The road code.")
    road_name: str = strawberry.field(description="The road name.")
    house_number: str = strawberry.field(description="The house number.")
    floor: Optional[str] = strawberry.field(description="The floor.")
    door: Optional[str] = strawberry.field(description="The door.")
    zip_code: str = strawberry.field(description="The postal code.")
    zip_code_name: str = strawberry.field(description="The postal district.")
    municipality_code: str = strawberry.field(description="The municipality code.")
    supplementary_city: Optional[str] = strawberry.field(description="The supplementary city name.")
    longitude: float = strawberry.field(description="Longitude.")
    latitude: float = strawberry.field(description="Latitude.")
    name: str = strawberry.field(description="The address as one line.")
    href: str = strawberry.field(description="A map link.")
    streetmap_href: Optional[str] = strawberry.field(description="A street map link.")


@strawberry.type(description="An address with two values.")
class MultifieldAddress(ResolvedAddress):
    value2: str = strawberry.field(description="The second value.")
    name: str = strawberry.field(description="Both values as one line.")


def _rec(value: object) -> Record:
    assert isinstance(value, Record)
    return value


@strawberry.field(description="A readable form of the address.")
def _name(self: Any) -> Optional[str]:
    values = _rec(self).values
    return f"{values['value']} {values['value2']}" if values.get("value2") else values["value"]


joined.declare(_name, joined.Computed(("value", "value2")))


@strawberry.field(description="The address resolved into its parts, as far as the registry can.")
def _resolve(self: Any) -> ResolvedAddress:
    values = _rec(self).values
    if values.get("value2"):
        return MultifieldAddress(value=values["value"], value2=values["value2"], name=f"{values['value']} {values['value2']}")
    return DefaultAddress(value=values["value"])


@strawberry.field(description="A link for the address (mailto:, tel:, or a web address), where it has one.")
def _href(self: Any) -> Optional[str]:
    value = str(_rec(self).values["value"])
    if "@" in value:
        return f"mailto:{value}"
    if value.startswith(("http://", "https://")):
        return value
    if value.replace(" ", "").lstrip("+").isdigit():
        return f"tel:{value.replace(' ', '')}"
    return None


joined.declare(_href, joined.Computed(("value",)))


Address = object_type(
    "Address",
    "An address of a person, a unit, an engagement or an IT user.",
    M,
    {
        "uuid": (UUID, "The address's uuid."),
        "user_key": (str, "A short key for the address."),
        "value": (str, "The address as stored: an e-mail, a phone number, a DAR uuid, ..."),
        "value2": (Optional[str], "A second value, for address types that need one."),
        "validity": (Validity, "The days this version holds."),
    },
    [
        Rel("address_type", "address_type_uuid", "class", "The kind of address.", required=True, old="one", uuid_field="address_type_uuid"),
        Rel("visibility", "visibility_uuid", "class", "Who may see the address.", old="one", old_required=False, uuid_field="visibility_uuid"),
        Rel("person", "person_uuid", "person", "The person the address belongs to.", old_required=False, aliases=("employee",)),
        Rel("org_unit", "org_unit_uuid", "org_unit", "The unit the address belongs to.", old_required=False, uuid_field="org_unit_uuid"),
        Rel("engagement", "engagement_uuid", "engagement", "The engagement the address belongs to.", old_required=False, uuid_field="engagement_uuid"),
        Rel("ituser", "ituser_uuid", "ituser", "The IT user the address belongs to.", uuid_field="ituser_uuid"),
    ],
    extra={
        "name": _name,
        "resolve": _resolve,
        "href": _href,
        "employee_uuid": uuid_of("person_uuid", "The person's uuid.", False, "person"),
    },
    kind="address",
)

AddressResponse, AddressResponsePaged, AddressResponseRegistration = response_types("address", Address, "Address", "address")
