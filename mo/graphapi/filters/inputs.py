"""The filter input types of the API, built from declared fields.

OS2mo has "bound" variants of most filters (the filter of ``Engagement.person``
cannot name uuids, the filter of ``OrganisationUnit.children`` cannot name a
parent); they are the same fields less a few, so they are derived here.
"""

from __future__ import annotations

from typing import Any, Iterable
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
    # the docstring spares dataclasses working one out of __init__'s signature (like make_input's)
    description = "Limits objects to those with a matching registration."
    return strawberry.input(name=name, description=description)(
        type(name, (RegistrationMatch,), {"__module__": M, "__doc__": description})
    )


EmployeeRegistrationFilter = _registration_filter("EmployeeRegistrationFilter")
OrganisationUnitRegistrationFilter = _registration_filter("OrganisationUnitRegistrationFilter")
EngagementRegistrationFilter = _registration_filter("EngagementRegistrationFilter")
FacetRegistrationFilter = _registration_filter("FacetRegistrationFilter")
ClassRegistrationFilter = _registration_filter("ClassRegistrationFilter")
ModelsUuidsBoundRegistrationFilter = _registration_filter("ModelsUuidsBoundRegistrationFilter")
AddressRegistrationFilter = _registration_filter("AddressRegistrationFilter")
AssociationRegistrationFilter = _registration_filter("AssociationRegistrationFilter")
LeaveRegistrationFilter = _registration_filter("LeaveRegistrationFilter")
ManagerRegistrationFilter = _registration_filter("ManagerRegistrationFilter")
ITSystemRegistrationFilter = _registration_filter("ITSystemRegistrationFilter")
ITUserRegistrationFilter = _registration_filter("ITUserRegistrationFilter")
RoleRegistrationFilter = _registration_filter("RoleRegistrationFilter")
KLERegistrationFilter = _registration_filter("KLERegistrationFilter")
RelatedUnitRegistrationFilter = _registration_filter("RelatedUnitRegistrationFilter")
OwnerRegistrationFilter = _registration_filter("OwnerRegistrationFilter")


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
    FilterField("it_system", "ITSystemFilter | None", "Only classes of an IT system that matches.", apply.nested("it_system_uuid", "itsystem")),
    FilterField("owner", "ClassOwnerFilter | None", "Only classes owned by a unit that matches.", apply.class_owner),
]

EMPLOYEE_FIELDS = [
    *common("person", "EmployeeRegistrationFilter"),
    FilterField(
        "query", "str | None", "Free text: every word must occur in a name or the user key.",
        apply.text_search("given_name", "surname", "nickname_given_name", "nickname_surname", "user_key"),
        default=UNSET,
    ),
    FilterField("cpr_numbers", "list[CPR] | None", "Only persons with one of these CPR numbers.", apply.cpr_numbers),
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
    FilterField(
        "ituser", "ITUserFilter | None", "Only engagements with an IT user that matches.",
        lambda c, t, v, w: t.c.uuid.in_(ituser_engagements(c, v, w)),
    ),
]

def person_and_unit(plural: str) -> list[FilterField]:
    return [
        FilterField(
            "employee", "EmployeeFilter | None", f"Only {plural} of a person who matches.",
            apply.nested("person_uuid", "person"), default=UNSET,
        ),
        FilterField(
            "employees", "list[UUID] | None", f"Only {plural} of one of these persons.",
            apply.column_in("person_uuid"), deprecation=REPLACED.format("employee"),
        ),
        FilterField(
            "org_unit", "OrganisationUnitFilter | None", f"Only {plural} of a unit that matches.",
            apply.nested("org_unit_uuid", "org_unit"),
        ),
        FilterField(
            "org_units", "list[UUID] | None", f"Only {plural} of one of these units.",
            apply.column_in("org_unit_uuid"), deprecation=REPLACED.format("org_unit"),
        ),
    ]


def ituser_engagements(c: Any, value: Any, w: Any) -> Any:
    """Uuids of engagements listed by IT users matching ``value``."""
    from sqlalchemy import Text, cast, select

    from mo.db.tables import TABLES

    engagements = TABLES["engagement"].alias(c.cte_name("eng"))
    users = c.uuids("ituser", value, w).subquery()
    itusers = TABLES["ituser"].alias(c.cte_name("itu"))
    return (
        select(engagements.c.uuid)
        .join(itusers, itusers.c.engagement_uuids.contains(cast(engagements.c.uuid, Text)))
        .where(itusers.c.uuid.in_(select(users.c.uuid)), c.live(itusers, w))
        .correlate(None)
    )


ADDRESS_FIELDS = [
    *common("address", "AddressRegistrationFilter"),
    *person_and_unit("addresses"),
    FilterField("address_type", "ClassFilter | None", "Only addresses whose type matches.", apply.nested("address_type_uuid", "class")),
    FilterField(
        "address_types", "list[UUID] | None", "Only addresses of one of these types.",
        apply.column_in("address_type_uuid"), deprecation=REPLACED.format("address_type"),
    ),
    FilterField(
        "address_type_user_keys", "list[str] | None", "Only addresses whose type has one of these user keys.",
        apply.nested_user_keys("address_type_uuid", "class"), deprecation=REPLACED.format("address_type"),
    ),
    FilterField("engagement", "EngagementFilter | None", "Only addresses of an engagement that matches.", apply.nested("engagement_uuid", "engagement")),
    FilterField(
        "engagements", "list[UUID] | None", "Only addresses of one of these engagements.",
        apply.column_in("engagement_uuid"), deprecation=REPLACED.format("engagement"),
    ),
    FilterField("ituser", "ITUserFilter | None", "Only addresses of an IT user that matches.", apply.nested("ituser_uuid", "ituser")),
    FilterField("visibility", "ClassFilter | None", "Only addresses whose visibility matches.", apply.nested("visibility_uuid", "class")),
]

ASSOCIATION_FIELDS = [
    *common("association", "AssociationRegistrationFilter"),
    *person_and_unit("associations"),
    FilterField(
        "association_type", "ClassFilter | None", "Only associations whose type matches.",
        apply.nested("association_type_uuid", "class"),
    ),
    FilterField(
        "association_types", "list[UUID] | None", "Only associations of one of these types.",
        apply.column_in("association_type_uuid"), deprecation=REPLACED.format("association_type"),
    ),
    FilterField(
        "association_type_user_keys", "list[str] | None", "Only associations whose type has one of these user keys.",
        apply.nested_user_keys("association_type_uuid", "class"), deprecation=REPLACED.format("association_type"),
    ),
    FilterField(
        "it_association", "bool | None", "true: only IT associations; false: only other associations.",
        apply.is_set("it_user_uuid"),
    ),
]

LEAVE_FIELDS = [*common("leave", "LeaveRegistrationFilter"), *person_and_unit("leaves")]

MANAGER_FIELDS = [
    *common("manager", "ManagerRegistrationFilter"),
    *person_and_unit("manager roles"),
    FilterField("engagement", "EngagementFilter | None", "Only roles tied to an engagement that matches.", apply.nested("engagement_uuid", "engagement")),
    FilterField("responsibility", "ClassFilter | None", "Only roles with a responsibility that matches.", apply.list_nested("responsibilities", "class")),
    FilterField("manager_type", "ClassFilter | None", "Only roles whose manager type matches.", apply.nested("manager_type_uuid", "class")),
    FilterField("exclude", "EmployeeFilter | None", "Leave out roles held by a person who matches.", apply.excluding("person_uuid", "person")),
]

ITSYSTEM_FIELDS = [*common("itsystem", "ITSystemRegistrationFilter")]

ITUSER_FIELDS = [
    *common("ituser", "ITUserRegistrationFilter"),
    *person_and_unit("IT users"),
    FilterField("itsystem", "ITSystemFilter | None", "Only accounts in an IT system that matches.", apply.nested("itsystem_uuid", "itsystem")),
    FilterField(
        "itsystem_uuids", "list[UUID] | None", "Only accounts in one of these IT systems.",
        apply.column_in("itsystem_uuid"), deprecation=REPLACED.format("itsystem"),
    ),
    FilterField("engagement", "EngagementFilter | None", "Only accounts for an engagement that matches.", apply.list_nested("engagement_uuids", "engagement")),
    FilterField("external_ids", "list[str] | None", "Only accounts with one of these external ids.", apply.column_in("external_id"), default=UNSET),
    FilterField("binding_types", "list[str] | None", "Only accounts with one of these binding types.", apply.column_in("binding_type")),
]

ROLEBINDING_FIELDS = [
    *common("rolebinding", "RoleRegistrationFilter"),
    FilterField("org_unit", "OrganisationUnitFilter | None", "Only bindings for a unit that matches.", apply.nested("org_unit_uuid", "org_unit")),
    FilterField(
        "org_units", "list[UUID] | None", "Only bindings for one of these units.",
        apply.column_in("org_unit_uuid"), deprecation=REPLACED.format("org_unit"),
    ),
    FilterField("ituser", "ITUserFilter | None", "Only bindings of an IT user that matches.", apply.nested("ituser_uuid", "ituser")),
    FilterField("role", "ClassFilter | None", "Only bindings of a role that matches.", apply.nested("role_uuid", "class")),
]

KLE_FIELDS = [
    *common("kle", "KLERegistrationFilter"),
    FilterField("org_unit", "OrganisationUnitFilter | None", "Only annotations of a unit that matches.", apply.nested("org_unit_uuid", "org_unit")),
    FilterField(
        "org_units", "list[UUID] | None", "Only annotations of one of these units.",
        apply.column_in("org_unit_uuid"), deprecation=REPLACED.format("org_unit"),
    ),
]

RELATED_UNIT_FIELDS = [
    *common("related_unit", "RelatedUnitRegistrationFilter"),
    FilterField(
        "org_unit", "OrganisationUnitFilter | None", "Only relations with a unit that matches.",
        apply.either_nested(("org_unit_uuid", "other_org_unit_uuid"), "org_unit"),
    ),
    FilterField(
        "org_units", "list[UUID] | None", "Only relations with one of these units.",
        apply.either_in(("org_unit_uuid", "other_org_unit_uuid")), deprecation=REPLACED.format("org_unit"),
    ),
]

OWNER_FIELDS = [
    *common("owner", "OwnerRegistrationFilter"),
    *person_and_unit("owners"),
    FilterField("owner", "EmployeeFilter | None", "Only ownerships held by a person who matches.", apply.nested("owner_uuid", "person")),
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

AddressFilter = variant("AddressFilter", "Selects addresses.", ADDRESS_FIELDS)
AssociationFilter = variant("AssociationFilter", "Selects associations.", ASSOCIATION_FIELDS)
LeaveFilter = variant("LeaveFilter", "Selects leaves.", LEAVE_FIELDS)
ManagerFilter = variant("ManagerFilter", "Selects manager roles.", MANAGER_FIELDS)
ITSystemFilter = variant("ITSystemFilter", "Selects IT systems.", ITSYSTEM_FIELDS)
ITUserFilter = variant("ITUserFilter", "Selects IT users.", ITUSER_FIELDS)
RoleBindingFilter = variant("RoleBindingFilter", "Selects role bindings.", ROLEBINDING_FIELDS)
KLEFilter = variant("KLEFilter", "Selects KLE annotations.", KLE_FIELDS)
RelatedUnitFilter = variant("RelatedUnitFilter", "Selects unit relations.", RELATED_UNIT_FIELDS)
OwnerFilter = variant("OwnerFilter", "Selects owners.", OWNER_FIELDS)
ClassOwnerFilter = variant(
    "ClassOwnerFilter",
    "Selects the units owning classes.",
    [
        *UNIT_FIELDS,
        FilterField("include_none", "bool", "Also select classes without an owner.", default=False),
    ],
)

BY_PERSON = ["employee", "employees"]
BY_UNIT = ["org_unit", "org_units"]
for _name, _fields in (
    ("Engagement", ENGAGEMENT_FIELDS), ("ITUser", ITUSER_FIELDS), ("ITSystem", ITSYSTEM_FIELDS), ("Leave", LEAVE_FIELDS),
    ("Address", ADDRESS_FIELDS), ("Manager", MANAGER_FIELDS), ("Association", ASSOCIATION_FIELDS),
):
    variant(f"UuidsBound{_name}Filter", "Selects among the referenced objects.", _fields, ["uuids"])
for _name, _fields in (
    ("Address", ADDRESS_FIELDS), ("Association", ASSOCIATION_FIELDS), ("ITUser", ITUSER_FIELDS),
    ("Leave", LEAVE_FIELDS), ("Manager", MANAGER_FIELDS),
):
    variant(f"EmployeeBound{_name}Filter", "Selects among a person's objects.", _fields, BY_PERSON)
for _name, _fields in (
    ("address", ADDRESS_FIELDS), ("association", ASSOCIATION_FIELDS), ("ituser", ITUSER_FIELDS), ("kle", KLE_FIELDS),
    ("leave", LEAVE_FIELDS), ("manager", MANAGER_FIELDS), ("owner", OWNER_FIELDS), ("relatedunit", RELATED_UNIT_FIELDS),
):
    variant(f"OrgUnitbound{_name}filter", "Selects among a unit's objects.", _fields, BY_UNIT)
variant("EngagementBoundAddressFilter", "Selects among an engagement's addresses.", ADDRESS_FIELDS, ["engagement", "engagements"])
variant("EngagementBoundITUserFilter", "Selects among an engagement's IT users.", ITUSER_FIELDS, ["engagement"])
variant("ItuserBoundAddressFilter", "Selects among an IT user's addresses.", ADDRESS_FIELDS, ["ituser"])
variant("ItuserBoundRoleBindingFilter", "Selects among an IT user's role bindings.", ROLEBINDING_FIELDS, ["ituser"])
variant("ItSystemboundclassfilter", "Selects among an IT system's roles.", CLASS_FIELDS, ["it_system"])
variant("ITSystemBoundITUserFilter", "Selects among an IT system's accounts.", ITUSER_FIELDS, ["itsystem", "itsystem_uuids"])
