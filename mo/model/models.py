"""The object types: one declaration each."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from mo.model.spec import Field, Model, Ref

PUBLISHED = "Publiceret"

USER_KEY = Field("user_key", str, "A short, human-readable key, unique within its kind by convention.", required=True)

FACET = Model(
    name="facet",
    title="facet",
    open_validity=True,
    fields=(
        USER_KEY,
        Field("published", str, "Publication state.", required=True, default=PUBLISHED),
        Field("parent_uuid", UUID, "The facet this facet is placed under.", target="facet"),
        Field("description", str, "Free text about the facet."),
    ),
)

CLASS = Model(
    name="class",
    title="class",
    open_validity=True,
    fields=(
        USER_KEY,
        Field("name", str, "The class's display name.", required=True),
        Field("facet_uuid", UUID, "The facet the class belongs to.", required=True, target="facet"),
        Field("scope", str, "How values of this class are interpreted (for example EMAIL or PHONE)."),
        Field("published", str, "Publication state.", required=True, default=PUBLISHED),
        Field("parent_uuid", UUID, "The class this class is placed under.", target="class"),
        Field("example", str, "An example value."),
        Field("owner", UUID, "The organisation unit that owns the class.", target="org_unit"),
        Field("it_system_uuid", UUID, "The IT system the class is tied to.", target="itsystem"),
        Field("description", str, "Free text about the class."),
    ),
)

ORG_UNIT = Model(
    name="org_unit",
    title="organisation unit",
    fields=(
        USER_KEY,
        Field("name", str, "The unit's name.", required=True),
        Field("parent_uuid", UUID, "The unit above this one; none for a root unit.", target="org_unit", ref=Ref.COVER),
        Field("unit_type_uuid", UUID, "The unit's type (a class).", target="class"),
        Field("org_unit_level_uuid", UUID, "The unit's level (a class).", target="class"),
        Field("org_unit_hierarchy_uuid", UUID, "The hierarchy the unit belongs to (a class).", target="class"),
        Field("time_planning_uuid", UUID, "The unit's time planning (a class).", target="class"),
    ),
)

PERSON = Model(
    name="person",
    title="person",
    open_validity=True,
    fields=(
        USER_KEY,
        Field("cpr_number", str, "The Danish civil registration number (encrypted at rest).", secret=True),
        Field("cpr_hash", str, "Keyed hash of the CPR number, for look-ups and uniqueness.", derived=True),
        Field("given_name", str, "Given name(s).", required=True),
        Field("surname", str, "Surname.", required=True),
        Field("nickname_given_name", str, "Given name(s) the person prefers to be called by."),
        Field("nickname_surname", str, "Surname the person prefers to be called by."),
        Field("seniority", date, "The date seniority is counted from."),
    ),
    indexes=("cpr_hash",),
)

ENGAGEMENT = Model(
    name="engagement",
    title="engagement",
    fields=(
        USER_KEY,
        Field("person_uuid", UUID, "The person employed.", required=True, target="person", ref=Ref.CASCADE),
        Field("org_unit_uuid", UUID, "The unit of the engagement.", required=True, target="org_unit", ref=Ref.COVER),
        Field("engagement_type_uuid", UUID, "The kind of engagement (a class).", required=True, target="class"),
        Field("job_function_uuid", UUID, "The job function (a class).", required=True, target="class"),
        Field("primary_uuid", UUID, "Whether and how the engagement is primary (a class).", target="class"),
        Field("leave_uuid", UUID, "The leave the engagement is on, if any."),
        Field("fraction", int, "The engagement's share of full time."),
        *(Field(f"extension_{n}", str, f"Free-form extension field {n}.") for n in range(1, 11)),
    ),
)

ADDRESS = Model(
    name="address",
    title="address",
    fields=(
        USER_KEY,
        Field("value", str, "The address itself: an e-mail, a phone number, a DAR uuid, ...", required=True),
        Field("value2", str, "A second value for address types that need one."),
        Field("address_type_uuid", UUID, "The kind of address (a class); its scope says how to read the value.", required=True, target="class"),
        Field("visibility_uuid", UUID, "Who may see the address (a class).", target="class"),
        Field("person_uuid", UUID, "The person the address belongs to.", target="person", ref=Ref.CASCADE),
        Field("org_unit_uuid", UUID, "The unit the address belongs to.", target="org_unit", ref=Ref.CASCADE),
        Field("engagement_uuid", UUID, "The engagement the address belongs to.", target="engagement", ref=Ref.CASCADE),
        Field("ituser_uuid", UUID, "The IT user the address belongs to.", target="ituser"),
    ),
)

ASSOCIATION = Model(
    name="association",
    title="association",
    fields=(
        USER_KEY,
        Field("person_uuid", UUID, "The associated person.", target="person", ref=Ref.CASCADE),
        Field("org_unit_uuid", UUID, "The unit the person is associated with.", required=True, target="org_unit", ref=Ref.COVER),
        Field("association_type_uuid", UUID, "The kind of association (a class).", target="class"),
        Field("primary_uuid", UUID, "Whether and how the association is primary (a class).", target="class"),
        Field("substitute_uuid", UUID, "The person's substitute.", target="person"),
        Field("trade_union_uuid", UUID, "The trade union (a class).", target="class"),
        Field("job_function_uuid", UUID, "The job function (a class), for IT associations.", target="class"),
        Field("it_user_uuid", UUID, "The IT user, for IT associations.", target="ituser"),
        Field("dynamic_class_uuid", UUID, "A dynamic class.", target="class"),
    ),
)

LEAVE = Model(
    name="leave",
    title="leave",
    fields=(
        USER_KEY,
        Field("person_uuid", UUID, "The person on leave.", required=True, target="person", ref=Ref.CASCADE),
        Field("engagement_uuid", UUID, "The engagement the leave is from.", required=True, target="engagement", ref=Ref.CASCADE),
        Field("leave_type_uuid", UUID, "The kind of leave (a class).", required=True, target="class"),
    ),
)

MANAGER = Model(
    name="manager",
    title="manager role",
    fields=(
        USER_KEY,
        Field("person_uuid", UUID, "The manager; none while the role is vacant.", target="person", ref=Ref.CASCADE),
        Field("org_unit_uuid", UUID, "The unit managed.", required=True, target="org_unit", ref=Ref.COVER),
        Field("manager_type_uuid", UUID, "The kind of manager (a class).", target="class"),
        Field("manager_level_uuid", UUID, "The manager level (a class).", target="class"),
        Field("responsibilities", list, "The manager's responsibilities (classes).", target="class"),
        Field("engagement_uuid", UUID, "The engagement the role belongs to.", target="engagement"),
    ),
)

ITSYSTEM = Model(
    name="itsystem",
    title="IT system",
    open_validity=True,
    fields=(
        USER_KEY,
        Field("name", str, "The system's name.", required=True),
        Field("system_type", str, "The kind of system."),
    ),
)

ITUSER = Model(
    name="ituser",
    title="IT user",
    fields=(
        USER_KEY,
        Field("itsystem_uuid", UUID, "The IT system of the account.", required=True, target="itsystem", ref=Ref.COVER),
        Field("person_uuid", UUID, "The person owning the account.", target="person", ref=Ref.CASCADE),
        Field("org_unit_uuid", UUID, "The unit owning the account.", target="org_unit", ref=Ref.COVER),
        Field("engagement_uuids", list, "The engagements the account is for.", target="engagement"),
        Field("primary_uuid", UUID, "Whether and how the account is primary (a class).", target="class"),
        Field("external_id", str, "The account's id in the IT system."),
        Field("binding_type", str, "How the account is bound to its owner."),
    ),
    indexes=("external_id",),
)

ROLEBINDING = Model(
    name="rolebinding",
    title="role binding",
    fields=(
        USER_KEY,
        Field("ituser_uuid", UUID, "The IT user given the role.", required=True, target="ituser", ref=Ref.CASCADE),
        Field("role_uuid", UUID, "The role (a class of the IT system).", required=True, target="class"),
        Field("org_unit_uuid", UUID, "The unit the role applies to.", target="org_unit", ref=Ref.COVER),
    ),
)

KLE = Model(
    name="kle",
    title="KLE annotation",
    fields=(
        USER_KEY,
        Field("org_unit_uuid", UUID, "The unit annotated.", required=True, target="org_unit", ref=Ref.CASCADE),
        Field("kle_number_uuid", UUID, "The KLE number (a class).", required=True, target="class"),
        Field("kle_aspects", list, "The KLE aspects (classes).", target="class"),
    ),
)

RELATED_UNIT = Model(
    name="related_unit",
    title="unit relation",
    fields=(
        USER_KEY,
        Field("org_unit_uuid", UUID, "One of the two related units.", required=True, target="org_unit", ref=Ref.CASCADE),
        Field("other_org_unit_uuid", UUID, "The other related unit.", required=True, target="org_unit", ref=Ref.CASCADE),
    ),
)

OWNER = Model(
    name="owner",
    title="owner",
    fields=(
        USER_KEY,
        Field("org_unit_uuid", UUID, "The unit owned.", target="org_unit", ref=Ref.CASCADE),
        Field("person_uuid", UUID, "The person owned.", target="person", ref=Ref.CASCADE),
        Field("owner_uuid", UUID, "The owner (a person).", target="person"),
        Field("inference_priority", str, "How ownership is inferred: ENGAGEMENT_PRIORITY or ASSOCIATION_PRIORITY."),
    ),
)

MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        FACET, CLASS, ORG_UNIT, PERSON, ENGAGEMENT, ADDRESS, ASSOCIATION, LEAVE, MANAGER,
        ITSYSTEM, ITUSER, ROLEBINDING, KLE, RELATED_UNIT, OWNER,
    )
}


def model(name: str) -> Model:
    return MODELS[name]
