"""The filter input types of the API, built from declared fields.

OS2mo has "bound" variants of most filters (the filter of ``Engagement.person``
cannot name uuids, the filter of ``OrganisationUnit.children`` cannot name a
parent); they are the same fields less a few, so they are derived here.
"""

from __future__ import annotations

from typing import Iterable
from uuid import UUID  # noqa: F401 - used by the annotations below

import strawberry
from strawberry import UNSET

from mo.graphapi.filters import apply
from mo.graphapi.filters.spec import FilterField, make_input
from mo.graphapi.scalars import CPR, DateTime  # noqa: F401 - used by the annotations below

M = __name__
REPLACED = "Replaced by the '{}' filter"


@strawberry.input(description="Limits objects to those with a registration matching all given criteria.")
class RegistrationMatch:
    actors: list[UUID] | None = strawberry.field(default=None, description="Written by one of these actors.")
    start: DateTime | None = strawberry.field(default=None, description="Registered at or after this time.")
    end: DateTime | None = strawberry.field(default=None, description="Registered at or before this time.")


def _registration_filter(name: str) -> type:
    return strawberry.input(name=name, description="Limits objects to those with a matching registration.")(
        type(name, (RegistrationMatch,), {"__module__": M})
    )


EmployeeRegistrationFilter = _registration_filter("EmployeeRegistrationFilter")
OrganisationUnitRegistrationFilter = _registration_filter("OrganisationUnitRegistrationFilter")
EngagementRegistrationFilter = _registration_filter("EngagementRegistrationFilter")
FacetRegistrationFilter = _registration_filter("FacetRegistrationFilter")
ClassRegistrationFilter = _registration_filter("ClassRegistrationFilter")
ModelsUuidsBoundRegistrationFilter = _registration_filter("ModelsUuidsBoundRegistrationFilter")


def common(model: str, registration_filter: str) -> list[FilterField]:
    return [
        FilterField("uuids", "list[UUID] | None", "Only objects with one of these uuids.", apply.column_in("uuid")),
        FilterField("user_keys", "list[str] | None", "Only objects with one of these user keys.", apply.column_in("user_key")),
        FilterField(
            "from_date",
            "DateTime | None",
            "Start of the validity window (default: now; null: no start). Objects valid on a day of the window match.",
            default=UNSET,
        ),
        FilterField(
            "to_date",
            "DateTime | None",
            "End of the validity window (default: the instant from_date; null: no end).",
            default=UNSET,
        ),
        FilterField(
            "registration_time",
            "DateTime | None",
            "Read what was registered at this time (default: now).",
        ),
        FilterField(
            "registration",
            f"{registration_filter} | None",
            "Only objects with a matching registration.",
            apply.registration(model),
        ),
    ]


def variant(name: str, description: str, fields: Iterable[FilterField], without: Iterable[str] = ()) -> type:
    dropped = set(without)
    return make_input(name, description, [f for f in fields if f.name not in dropped], M)


FACET_FIELDS = [
    *common("facet", "FacetRegistrationFilter"),
    FilterField("parent", "FacetFilter | None", "Only facets whose parent matches.", apply.nested("parent_uuid", "facet")),
    FilterField(
        "parents", "list[UUID] | None", "Only facets with one of these parents.",
        apply.column_in("parent_uuid"), deprecation=REPLACED.format("parent"),
    ),
    FilterField(
        "parent_user_keys", "list[str] | None", "Only facets whose parent has one of these user keys.",
        apply.nested_user_keys("parent_uuid", "facet"), deprecation=REPLACED.format("parent"),
    ),
]

CLASS_FIELDS = [
    *common("class", "ClassRegistrationFilter"),
    FilterField("name", "list[str] | None", "Only classes with one of these names.", apply.column_in("name")),
    FilterField("facet", "FacetFilter | None", "Only classes whose facet matches.", apply.nested("facet_uuid", "facet")),
    FilterField(
        "facets", "list[UUID] | None", "Only classes in one of these facets.",
        apply.column_in("facet_uuid"), deprecation=REPLACED.format("facet"),
    ),
    FilterField(
        "facet_user_keys", "list[str] | None", "Only classes whose facet has one of these user keys.",
        apply.nested_user_keys("facet_uuid", "facet"), deprecation=REPLACED.format("facet"),
    ),
    FilterField("parent", "ClassFilter | None", "Only classes whose parent matches.", apply.nested("parent_uuid", "class")),
    FilterField(
        "parents", "list[UUID] | None", "Only classes with one of these parents.",
        apply.column_in("parent_uuid"), deprecation=REPLACED.format("parent"),
    ),
    FilterField(
        "parent_user_keys", "list[str] | None", "Only classes whose parent has one of these user keys.",
        apply.nested_user_keys("parent_uuid", "class"), deprecation=REPLACED.format("parent"),
    ),
    FilterField("scope", "list[str] | None", "Only classes with one of these scopes.", apply.column_in("scope")),
]

EMPLOYEE_FIELDS = [
    *common("person", "EmployeeRegistrationFilter"),
    FilterField(
        "query", "str | None", "Free text: every word must occur in a name or the user key.",
        apply.text_search("given_name", "surname", "nickname_given_name", "nickname_surname", "user_key"),
        default=UNSET,
    ),
    FilterField("cpr_numbers", "list[CPR] | None", "Only persons with one of these CPR numbers.", apply.column_in("cpr_number")),
]

UNIT_FIELDS = [
    *common("org_unit", "OrganisationUnitRegistrationFilter"),
    FilterField(
        "query", "str | None", "Free text: every word must occur in the name or the user key.",
        apply.text_search("name", "user_key"), default=UNSET,
    ),
    FilterField("names", "list[str] | None", "Only units with one of these names.", apply.column_in("name"), default=UNSET),
    FilterField(
        "parent", "OrganisationUnitFilter | None",
        "Only units whose parent matches. `null` selects root units, `{}` every unit that has a parent.",
        apply.unit_parent, default=UNSET, null_selects=True,
    ),
    FilterField(
        "parents", "list[UUID] | None", "Only units directly below one of these units.",
        apply.column_in("parent_uuid"), default=UNSET, deprecation=REPLACED.format("parent"),
    ),
    FilterField(
        "child", "OrganisationUnitFilter | None",
        "Only units with a child that matches. `null` selects leaf units, `{}` every unit with children.",
        apply.unit_child, default=UNSET, null_selects=True,
    ),
    FilterField(
        "hierarchy", "ClassFilter | None", "Only units whose hierarchy class matches.",
        apply.nested("org_unit_hierarchy_uuid", "class"),
    ),
    FilterField(
        "hierarchies", "list[UUID] | None", "Only units in one of these hierarchy classes.",
        apply.column_in("org_unit_hierarchy_uuid"), deprecation=REPLACED.format("hierarchy"),
    ),
    FilterField(
        "subtree", "OrganisationUnitFilter | None", "Old name of `descendant`.",
        apply.unit_descendant, default=UNSET, deprecation="Renamed to 'descendant'",
    ),
    FilterField(
        "descendant", "OrganisationUnitFilter | None",
        "Only units with a descendant that matches; every unit is its own descendant.",
        apply.unit_descendant, default=UNSET,
    ),
    FilterField(
        "ancestor", "OrganisationUnitFilter | None",
        "Only units with an ancestor that matches; every unit is its own ancestor.",
        apply.unit_ancestor, default=UNSET,
    ),
    FilterField(
        "engagement", "EngagementFilter | None", "Only units with an engagement that matches.", apply.unit_engagement
    ),
]

ENGAGEMENT_FIELDS = [
    *common("engagement", "EngagementRegistrationFilter"),
    FilterField(
        "employee", "EmployeeFilter | None", "Only engagements of a person who matches.",
        apply.nested("person_uuid", "person"), default=UNSET,
    ),
    FilterField(
        "employees", "list[UUID] | None", "Only engagements of one of these persons.",
        apply.column_in("person_uuid"), deprecation=REPLACED.format("employee"),
    ),
    FilterField(
        "org_unit", "OrganisationUnitFilter | None", "Only engagements in a unit that matches.",
        apply.nested("org_unit_uuid", "org_unit"),
    ),
    FilterField(
        "org_units", "list[UUID] | None", "Only engagements in one of these units.",
        apply.column_in("org_unit_uuid"), deprecation=REPLACED.format("org_unit"),
    ),
    FilterField(
        "job_function", "ClassFilter | None", "Only engagements whose job function matches.",
        apply.nested("job_function_uuid", "class"),
    ),
    FilterField(
        "engagement_type", "ClassFilter | None", "Only engagements whose type matches.",
        apply.nested("engagement_type_uuid", "class"),
    ),
]

FacetFilter = variant("FacetFilter", "Selects facets.", FACET_FIELDS)
ClassFilter = variant("ClassFilter", "Selects classes.", CLASS_FIELDS)
EmployeeFilter = variant("EmployeeFilter", "Selects persons.", EMPLOYEE_FIELDS)
OrganisationUnitFilter = variant("OrganisationUnitFilter", "Selects organisation units.", UNIT_FIELDS)
EngagementFilter = variant("EngagementFilter", "Selects engagements.", ENGAGEMENT_FIELDS)

UuidsBoundFacetFilter = variant("UuidsBoundFacetFilter", "Selects among the referenced facets.", FACET_FIELDS, ["uuids"])
UuidsBoundClassFilter = variant("UuidsBoundClassFilter", "Selects among the referenced classes.", CLASS_FIELDS, ["uuids"])
UuidsBoundEmployeeFilter = variant(
    "UuidsBoundEmployeeFilter", "Selects among the referenced persons.", EMPLOYEE_FIELDS, ["uuids"]
)
UuidsBoundOrganisationUnitFilter = variant(
    "UuidsBoundOrganisationUnitFilter", "Selects among the referenced units.", UNIT_FIELDS, ["uuids"]
)
ParentBoundFacetFilter = variant(
    "ParentBoundFacetFilter", "Selects among a facet's children.", FACET_FIELDS, ["parent", "parents", "parent_user_keys"]
)
ParentBoundClassFilter = variant(
    "ParentBoundClassFilter", "Selects among a class's children.", CLASS_FIELDS, ["parent", "parents", "parent_user_keys"]
)
FacetBoundClassFilter = variant(
    "FacetBoundClassFilter", "Selects among a facet's classes.", CLASS_FIELDS, ["facet", "facets", "facet_user_keys"]
)
ParentBoundOrganisationUnitFilter = variant(
    "ParentBoundOrganisationUnitFilter", "Selects among a unit's children.", UNIT_FIELDS, ["parent", "parents"]
)
EmployeeBoundEngagementFilter = variant(
    "EmployeeBoundEngagementFilter", "Selects among a person's engagements.", ENGAGEMENT_FIELDS, ["employee", "employees"]
)
OrgUnitboundengagementfilter = variant(
    "OrgUnitboundengagementfilter", "Selects among a unit's engagements.", ENGAGEMENT_FIELDS, ["org_unit", "org_units"]
)
