"""IT systems: the systems whose accounts (IT users) MO keeps."""

from __future__ import annotations

from typing import Optional
from uuid import UUID

from mo.graphapi.response import OpenValidity, response_types
from mo.graphapi.types.fields import Reverse, object_type

ITSystem = object_type(
    "ITSystem",
    "An IT system whose accounts and roles the registry keeps.",
    __name__,
    {
        "uuid": (UUID, "The system's uuid."),
        "user_key": (str, "A short key for the system."),
        "name": (str, "The system's name."),
        "system_type": (Optional[str], "The kind of system."),
        "validity": (OpenValidity, "The days this version holds."),
    },
    [Reverse("roles", "class", "it_system_uuid", "ItSystemboundclassfilter", "The roles (classes) of the system.")],
    kind="itsystem",
)

ITSystemResponse, ITSystemResponsePaged, ITSystemResponseRegistration = response_types(
    "itsystem", ITSystem, "ITSystem", "IT system"
)
