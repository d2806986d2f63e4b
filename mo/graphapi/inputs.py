"""Mutation inputs, with OS2mo v29's names and shapes.

Update inputs leave omitted fields UNSET so that "not given" (keep) and ``null``
(clear) differ; class and facet updates replace the whole version, as in v29.
"""

from __future__ import annotations

from datetime import date
from typing import Optional
from uuid import UUID

import strawberry
from strawberry import UNSET

from mo.graphapi.scalars import CPR, DateTime
from mo.model.models import PUBLISHED


@strawberry.input(description="Validity with a required start: `[from, to)`; `to: null` means no end.")
class RAValidityInput:
    from_: DateTime = strawberry.field(name="from", description="The first day (a local midnight or a date).")
    to: Optional[DateTime] = strawberry.field(default=None, description="The first day after; null: no end.")


@strawberry.input(description="Validity that may be open at both ends: `[from, to)`.")
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
        },
    )
    return strawberry.input(name=name, description=f"Ends a {title}'s validity.")(cls)


FacetTerminateInput = _terminate("FacetTerminateInput", "facet")
ClassTerminateInput = _terminate("ClassTerminateInput", "class")
OrganisationUnitTerminateInput = _terminate("OrganisationUnitTerminateInput", "organisation unit")
EngagementTerminateInput = _terminate("EngagementTerminateInput", "engagement")


@strawberry.input(description="Ends a person's validity, and all their engagements with it.")
class EmployeeTerminateInput:
    uuid: UUID = strawberry.field(description="The person to terminate.")
    to: DateTime = strawberry.field(description="The first day the person is no longer valid.")
    from_: Optional[DateTime] = strawberry.field(
        name="from", default=None, description="With `to`: remove only the days `[from, to)` instead."
    )
    vacate: bool = strawberry.field(default=False, description="Also vacate manager roles (when managers exist).")


@strawberry.input(description="Creates a facet.")
class FacetCreateInput:
    uuid: Optional[UUID] = strawberry.field(default=None, description="The uuid to use; generated when left out.")
    user_key: str = strawberry.field(description="The facet's key.")
    published: str = strawberry.field(default=PUBLISHED, description="Publication state.")
    validity: ValidityInput = strawberry.field(description="When the facet holds.")


@strawberry.input(description="Replaces a facet's values over a validity.")
class FacetUpdateInput(FacetCreateInput):
    uuid: UUID = strawberry.field(description="The facet to update.")  # type: ignore[assignment]


@strawberry.input(description="Creates a class.")
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
class ClassUpdateInput(ClassCreateInput):
    uuid: UUID = strawberry.field(description="The class to update.")  # type: ignore[assignment]


@strawberry.input(description="Creates a person, valid from the beginning of time with no end.")
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
    type(
        "EngagementCreateInput",
        (),
        {
            "__annotations__": dict(_ENGAGEMENT_ANNOTATIONS),
            "__module__": __name__,
            "uuid": strawberry.field(default=None, description="The uuid to use; generated when left out."),
            "validity": strawberry.field(description="When the engagement holds."),
            "org_unit": strawberry.field(description="The unit of the engagement."),
            "engagement_type": strawberry.field(description="The kind of engagement (a class)."),
            "job_function": strawberry.field(description="The job function (a class)."),
            **_engagement_fields(None),
        },
    )
)

EngagementUpdateInput = strawberry.input(
    name="EngagementUpdateInput", description="Changes an engagement over a validity; fields left out keep their values."
)(
    type(
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
            "uuid": strawberry.field(description="The engagement to update."),
            "validity": strawberry.field(description="The days the change applies to."),
            "org_unit": strawberry.field(default=UNSET, description="The unit of the engagement."),
            "engagement_type": strawberry.field(default=UNSET, description="The kind of engagement."),
            "job_function": strawberry.field(default=UNSET, description="The job function."),
            **_engagement_fields(UNSET),
        },
    )
)


@strawberry.input(description="Creates the organisation root.")
class OrganisationCreate:
    municipality_code: Optional[int] = strawberry.field(default=None, description="The Danish municipality code.")
