"""Mutation inputs, with OS2mo v29's names and shapes.

Update inputs leave omitted fields UNSET so that "not given" (keep) and ``null``
(clear) differ; class and facet updates replace the whole version, as in v29.

No ``from __future__ import annotations`` here: strawberry would read every
annotation back from its text (a parse and an eval per field, ~10 ms at start-up
for these ~50 inputs); the types are all defined above their use anyway. The
inputs made by functions get a docstring: ``dataclasses`` would otherwise work
one out of each ``__init__``'s signature.
"""

from datetime import date
from typing import Any, Optional
from uuid import UUID

import strawberry
from strawberry import UNSET

from mo.graphapi.scalars import CPR, DateTime
from mo.graphapi.shared import shared
from mo.model.models import PUBLISHED
from mo.graphapi.types.owner import OwnerInferencePriority


@strawberry.input(description="Validity with a required start: `[from, to)`; `to: null` means no end.")
@shared
class RAValidityInput:
    from_: DateTime = strawberry.field(name="from", description="The first day (a local midnight or a date).")
    to: Optional[DateTime] = strawberry.field(default=None, description="The first day after; null: no end.")


@strawberry.input(description="Validity that may be open at both ends: `[from, to)`.")
@shared
class ValidityInput:
    from_: Optional[DateTime] = strawberry.field(name="from", default=None, description="The first day; null: no start.")
    to: Optional[DateTime] = strawberry.field(default=None, description="The first day after; null: no end.")


def _terminate(name: str, title: str) -> type:
    cls = type(
        name,
        (),
        {
            "__annotations__": {"uuid": UUID, "to": DateTime, "from_": Optional[DateTime]},
            "uuid": strawberry.field(description=f"The {title} to terminate."),
            "to": strawberry.field(description=f"The first day the {title} is no longer valid."),
            "from_": strawberry.field(
                name="from", default=None, description="With `to`: remove only the days `[from, to)` instead."
            ),
            "__module__": __name__,
            "__doc__": f"Ends a {title}'s validity.",
        },
    )
    return strawberry.input(name=name, description=cls.__doc__)(shared(cls))


FacetTerminateInput = _terminate("FacetTerminateInput", "facet")
ClassTerminateInput = _terminate("ClassTerminateInput", "class")
OrganisationUnitTerminateInput = _terminate("OrganisationUnitTerminateInput", "organisation unit")
EngagementTerminateInput = _terminate("EngagementTerminateInput", "engagement")


@strawberry.input(description="Ends a person's validity, and all their engagements with it.")
@shared
class EmployeeTerminateInput:
    uuid: UUID = strawberry.field(description="The person to terminate.")
    to: DateTime = strawberry.field(description="The first day the person is no longer valid.")
    from_: Optional[DateTime] = strawberry.field(
        name="from", default=None, description="With `to`: remove only the days `[from, to)` instead."
    )
    vacate: bool = strawberry.field(default=False, description="Also vacate manager roles (when managers exist).")


@strawberry.input(description="Creates a facet.")
@shared
class FacetCreateInput:
    uuid: Optional[UUID] = strawberry.field(default=None, description="The uuid to use; generated when left out.")
    user_key: str = strawberry.field(description="The facet's key.")
    published: str = strawberry.field(default=PUBLISHED, description="Publication state.")
    validity: ValidityInput = strawberry.field(description="When the facet holds.")


@strawberry.input(description="Replaces a facet's values over a validity.")
@shared
class FacetUpdateInput(FacetCreateInput):
    uuid: UUID = strawberry.field(description="The facet to update.")  # type: ignore[assignment]


@strawberry.input(description="Creates a class.")
@shared
class ClassCreateInput:
    uuid: Optional[UUID] = strawberry.field(default=None, description="The uuid to use; generated when left out.")
    name: str = strawberry.field(description="The class's display name.")
    user_key: str = strawberry.field(description="The class's key.")
    facet_uuid: UUID = strawberry.field(description="The facet the class belongs to.")
    scope: Optional[str] = strawberry.field(default=None, description="How values of this class are read.")
    published: str = strawberry.field(default=PUBLISHED, description="Publication state.")
    parent_uuid: Optional[UUID] = strawberry.field(default=None, description="The class above this one.")
    example: Optional[str] = strawberry.field(default=None, description="An example value.")
    owner: Optional[UUID] = strawberry.field(default=None, description="The unit that owns the class.")
    validity: ValidityInput = strawberry.field(description="When the class holds.")
    it_system_uuid: Optional[UUID] = strawberry.field(default=None, description="The IT system the class is tied to.")
    description: Optional[str] = strawberry.field(default=None, description="Free text about the class.")


@strawberry.input(description="Replaces a class's values over a validity.")
@shared
class ClassUpdateInput(ClassCreateInput):
    uuid: UUID = strawberry.field(description="The class to update.")  # type: ignore[assignment]


@strawberry.input(description="Creates a person, valid from the beginning of time with no end.")
@shared
class EmployeeCreateInput:
    uuid: Optional[UUID] = strawberry.field(default=None, description="The uuid to use; generated when left out.")
    user_key: Optional[str] = strawberry.field(default=None, description="A short key; defaults to the uuid.")
    nickname_given_name: Optional[str] = strawberry.field(default=None, description="Preferred given name(s).")
    nickname_surname: Optional[str] = strawberry.field(default=None, description="Preferred surname.")
    seniority: Optional[date] = strawberry.field(default=None, description="The date seniority counts from.")
    cpr_number: Optional[CPR] = strawberry.field(default=None, description="The CPR number.")
    given_name: str = strawberry.field(description="Given name(s).")
    surname: str = strawberry.field(description="Surname.")


@strawberry.input(description="Changes a person over a validity; fields left out keep their values.")
@shared
class EmployeeUpdateInput:
    uuid: UUID = strawberry.field(description="The person to update.")
    user_key: Optional[str] = strawberry.field(default=UNSET, description="A short key.")
    nickname_given_name: Optional[str] = strawberry.field(default=UNSET, description="Preferred given name(s).")
    nickname_surname: Optional[str] = strawberry.field(default=UNSET, description="Preferred surname.")
    seniority: Optional[date] = strawberry.field(default=UNSET, description="The date seniority counts from.")
    cpr_number: Optional[CPR] = strawberry.field(default=UNSET, description="The CPR number.")
    given_name: Optional[str] = strawberry.field(default=UNSET, description="Given name(s).")
    surname: Optional[str] = strawberry.field(default=UNSET, description="Surname.")
    validity: RAValidityInput = strawberry.field(description="The days the change applies to.")


@strawberry.input(description="Creates an organisation unit.")
@shared
class OrganisationUnitCreateInput:
    uuid: Optional[UUID] = strawberry.field(default=None, description="The uuid to use; generated when left out.")
    validity: RAValidityInput = strawberry.field(description="When the unit holds.")
    name: str = strawberry.field(description="The unit's name.")
    user_key: Optional[str] = strawberry.field(default=None, description="A short key; defaults to the uuid.")
    parent: Optional[UUID] = strawberry.field(default=None, description="The unit above; none for a root unit.")
    org_unit_type: UUID = strawberry.field(description="The unit's type (a class).")
    time_planning: Optional[UUID] = strawberry.field(default=None, description="Time planning (a class).")
    org_unit_level: Optional[UUID] = strawberry.field(default=None, description="The unit's level (a class).")
    org_unit_hierarchy: Optional[UUID] = strawberry.field(default=None, description="The unit's hierarchy (a class).")


@strawberry.input(description="Changes a unit over a validity; fields left out keep their values.")
@shared
class OrganisationUnitUpdateInput:
    uuid: UUID = strawberry.field(description="The unit to update.")
    validity: RAValidityInput = strawberry.field(description="The days the change applies to.")
    name: Optional[str] = strawberry.field(default=UNSET, description="The unit's name.")
    user_key: Optional[str] = strawberry.field(default=UNSET, description="A short key.")
    parent: Optional[UUID] = strawberry.field(default=UNSET, description="The unit above (moves the unit).")
    org_unit_type: Optional[UUID] = strawberry.field(default=UNSET, description="The unit's type.")
    org_unit_level: Optional[UUID] = strawberry.field(default=UNSET, description="The unit's level.")
    org_unit_hierarchy: Optional[UUID] = strawberry.field(default=UNSET, description="The unit's hierarchy.")
    time_planning: Optional[UUID] = strawberry.field(default=UNSET, description="Time planning.")


def _engagement_fields(default: object) -> dict[str, object]:
    return {
        "user_key": strawberry.field(default=default, description="A short key, often the employee number."),
        "primary": strawberry.field(default=default, description="How the engagement is primary (a class)."),
        "fraction": strawberry.field(default=default, description="Share of full time."),
        **{
            f"extension_{n}": strawberry.field(default=default, description=f"Extension field {n}.")
            for n in range(1, 11)
        },
        "employee": strawberry.field(default=default, description="Old name of person.", deprecation_reason="Use 'person' instead."),
        "person": strawberry.field(default=default, description="The person employed."),
    }


_ENGAGEMENT_ANNOTATIONS = {
    "uuid": Optional[UUID],
    "user_key": Optional[str],
    "primary": Optional[UUID],
    "validity": RAValidityInput,
    "fraction": Optional[int],
    **{f"extension_{n}": Optional[str] for n in range(1, 11)},
    "employee": Optional[UUID],
    "person": Optional[UUID],
    "org_unit": UUID,
    "engagement_type": UUID,
    "job_function": UUID,
}

EngagementCreateInput = strawberry.input(name="EngagementCreateInput", description="Creates an engagement.")(
    shared(type(
        "EngagementCreateInput",
        (),
        {
            "__annotations__": dict(_ENGAGEMENT_ANNOTATIONS),
            "__module__": __name__,
            "__doc__": "Creates an engagement.",
            "uuid": strawberry.field(default=None, description="The uuid to use; generated when left out."),
            "validity": strawberry.field(description="When the engagement holds."),
            "org_unit": strawberry.field(description="The unit of the engagement."),
            "engagement_type": strawberry.field(description="The kind of engagement (a class)."),
            "job_function": strawberry.field(description="The job function (a class)."),
            **_engagement_fields(None),
        },
    ))
)

EngagementUpdateInput = strawberry.input(
    name="EngagementUpdateInput", description="Changes an engagement over a validity; fields left out keep their values."
)(
    shared(type(
        "EngagementUpdateInput",
        (),
        {
            "__annotations__": {
                **_ENGAGEMENT_ANNOTATIONS,
                "uuid": UUID,
                "org_unit": Optional[UUID],
                "engagement_type": Optional[UUID],
                "job_function": Optional[UUID],
            },
            "__module__": __name__,
            "__doc__": "Changes an engagement over a validity; fields left out keep their values.",
            "uuid": strawberry.field(description="The engagement to update."),
            "validity": strawberry.field(description="The days the change applies to."),
            "org_unit": strawberry.field(default=UNSET, description="The unit of the engagement."),
            "engagement_type": strawberry.field(default=UNSET, description="The kind of engagement."),
            "job_function": strawberry.field(default=UNSET, description="The job function."),
            **_engagement_fields(UNSET),
        },
    ))
)


@strawberry.input(description="Creates the organisation root.")
@shared
class OrganisationCreate:
    municipality_code: Optional[int] = strawberry.field(default=None, description="The Danish municipality code.")


@strawberry.input(description="Validity that may be open at both ends: `[from, to)`.")
@shared
class RAOpenValidityInput:
    from_: Optional[DateTime] = strawberry.field(name="from", default=None, description="The first day; null: no start.")
    to: Optional[DateTime] = strawberry.field(default=None, description="The first day after; null: no end.")


#: (input field, type, description, required on create)
Spec = list[tuple[str, Any, str, bool]]


def io_inputs(name: str, title: str, spec: Spec, validity: Any = RAValidityInput) -> tuple[type, type, type]:
    """The ``<name>CreateInput``, ``<name>UpdateInput`` and ``<name>TerminateInput`` of a type.

    Update inputs leave omitted fields UNSET (kept); an explicit null clears.
    """

    def build(kind: str, description: str, update: bool) -> type:
        annotations: dict[str, Any] = {"uuid": UUID if update else Optional[UUID]}
        namespace: dict[str, Any] = {
            "__module__": __name__,
            "uuid": strawberry.field(
                default=UNSET if update else None,
                description=f"The {title} to change." if update else "The uuid to use; generated when left out.",
            ),
        }
        if update:
            namespace["uuid"] = strawberry.field(description=f"The {title} to change.")
        for field_name, annotation, text, required in spec:
            if update or not required:
                annotations[field_name] = Optional[annotation]
                namespace[field_name] = strawberry.field(default=UNSET if update else None, description=text)
            else:
                annotations[field_name] = annotation
                namespace[field_name] = strawberry.field(description=text)
        annotations["validity"] = validity
        namespace["validity"] = strawberry.field(
            description="The days the change applies to." if update else f"When the {title} holds."
        )
        namespace["__annotations__"] = annotations
        namespace["__doc__"] = description
        full = f"{name}{kind}Input"
        return strawberry.input(name=full, description=description)(shared(type(full, (), namespace)))

    return (
        build("Create", f"Creates a {title}.", False),
        build("Update", f"Changes a {title} over a validity; fields left out keep their values.", True),
        _terminate(f"{name}TerminateInput", title),
    )


KEY: tuple[str, Any, str, bool] = ("user_key", str, "A short key; defaults to the uuid.", False)
PERSON: tuple[str, Any, str, bool] = ("person", UUID, "The person.", False)
EMPLOYEE: tuple[str, Any, str, bool] = ("employee", UUID, "Old name of person.", False)
UNIT: tuple[str, Any, str, bool] = ("org_unit", UUID, "The organisation unit.", False)

AddressCreateInput, AddressUpdateInput, AddressTerminateInput = io_inputs(
    "Address",
    "address",
    [
        KEY, UNIT, PERSON, EMPLOYEE,
        ("engagement", UUID, "The engagement the address belongs to.", False),
        ("ituser", UUID, "The IT user the address belongs to.", False),
        ("visibility", UUID, "Who may see the address (a class).", False),
        ("value", str, "The address itself.", True),
        ("value2", str, "A second value, for address types that need one.", False),
        ("address_type", UUID, "The kind of address (a class).", True),
    ],
)
AssociationCreateInput, AssociationUpdateInput, AssociationTerminateInput = io_inputs(
    "Association",
    "association",
    [
        KEY, PERSON, EMPLOYEE,
        ("primary", UUID, "Whether and how the association is primary (a class).", False),
        ("substitute", UUID, "The person's substitute.", False),
        ("trade_union", UUID, "The trade union (a class).", False),
        ("org_unit", UUID, "The unit.", True),
        ("association_type", UUID, "The kind of association (a class).", True),
    ],
)
LeaveCreateInput, LeaveUpdateInput, LeaveTerminateInput = io_inputs(
    "Leave",
    "leave",
    [
        KEY,
        ("person", UUID, "The person on leave.", True),
        ("engagement", UUID, "The engagement the leave is from.", True),
        ("leave_type", UUID, "The kind of leave (a class).", True),
    ],
)
ManagerCreateInput, ManagerUpdateInput, ManagerTerminateInput = io_inputs(
    "Manager",
    "manager role",
    [
        KEY, PERSON, EMPLOYEE,
        ("responsibility", list[UUID], "The responsibilities (classes).", True),
        ("engagement", UUID, "The engagement the role belongs to.", False),
        ("org_unit", UUID, "The unit managed.", True),
        ("manager_level", UUID, "The manager level (a class).", True),
        ("manager_type", UUID, "The kind of manager (a class).", True),
    ],
)
ITSystemCreateInput, ITSystemUpdateInput, ITSystemTerminateInput = io_inputs(
    "ITSystem",
    "IT system",
    [("user_key", str, "A short key for the system.", True), ("name", str, "The system's name.", True)],
    validity=RAOpenValidityInput,
)
ITUserCreateInput, ITUserUpdateInput, ITUserTerminateInput = io_inputs(
    "ITUser",
    "IT user",
    [
        ("external_id", str, "The account's id in the IT system.", False),
        ("binding_type", str, "How the account is bound to its owner.", False),
        ("primary", UUID, "Whether and how the account is primary (a class).", False),
        PERSON, UNIT,
        ("engagement", UUID, "An engagement the account is for (use engagements for several).", False),
        ("engagements", list[UUID], "The engagements the account is for.", False),
        ("user_key", str, "The account name.", True),
        ("itsystem", UUID, "The IT system.", True),
        ("note", str, "A note for the registration.", False),
    ],
)
RoleBindingCreateInput, RoleBindingUpdateInput, RoleBindingTerminateInput = io_inputs(
    "RoleBinding",
    "role binding",
    [
        KEY, UNIT,
        ("ituser", UUID, "The IT user given the role.", True),
        ("role", UUID, "The role (a class).", True),
    ],
)
KLECreateInput, KLEUpdateInput, KLETerminateInput = io_inputs(
    "KLE",
    "KLE annotation",
    [
        KEY,
        ("org_unit", UUID, "The unit annotated.", True),
        ("kle_aspects", list[UUID], "The KLE aspects (classes).", True),
        ("kle_number", UUID, "The KLE number (a class).", True),
    ],
)
OwnerCreateInput, OwnerUpdateInput, OwnerTerminateInput = io_inputs(
    "Owner",
    "owner",
    [
        KEY, UNIT, PERSON,
        ("owner", UUID, "The owner (a person).", False),
        ("inference_priority", OwnerInferencePriority, "How ownership is inferred.", False),
    ],
)


@strawberry.input(description="Sets which units one unit is related to, from a date.")
@shared
class RelatedUnitsUpdateInput:
    uuid: Optional[UUID] = strawberry.field(default=None, description="Not used; relations get their own uuids.")
    origin: UUID = strawberry.field(description="The unit whose relations are set.")
    destination: Optional[list[UUID]] = strawberry.field(
        default=None, description="The units it is related to from now on; the others end."
    )
    validity: RAValidityInput = strawberry.field(description="When the new relations start.")
