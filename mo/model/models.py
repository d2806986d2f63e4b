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
        Field("it_system_uuid", UUID, "The IT system the class is tied to."),
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
        Field("cpr_number", str, "The Danish civil registration number."),
        Field("given_name", str, "Given name(s).", required=True),
        Field("surname", str, "Surname.", required=True),
        Field("nickname_given_name", str, "Given name(s) the person prefers to be called by."),
        Field("nickname_surname", str, "Surname the person prefers to be called by."),
        Field("seniority", date, "The date seniority is counted from."),
    ),
    indexes=("cpr_number",),
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

MODELS: dict[str, Model] = {m.name: m for m in (FACET, CLASS, ORG_UNIT, PERSON, ENGAGEMENT)}


def model(name: str) -> Model:
    return MODELS[name]
