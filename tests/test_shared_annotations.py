"""Fields declared with the same type share one strawberry annotation
(mo.graphapi.shared), and nothing that gives a field its meaning is shared away."""

# No `from __future__ import annotations`: the sample type's annotations are objects,
# as in mo.graphapi.inputs, except the one written as text.

from typing import Annotated, Optional
from uuid import UUID

import strawberry

from mo.graphapi import events, inputs
from mo.graphapi.shared import shared


def annotation(cls: type, name: str) -> object:
    (field,) = [f for f in cls.__strawberry_definition__.fields if f.python_name == name]  # type: ignore[attr-defined]
    return field.type_annotation


def test_the_inputs_fields_of_one_type_share_one_annotation() -> None:
    uuid = annotation(inputs.ClassCreateInput, "uuid")
    assert annotation(inputs.ClassCreateInput, "parent_uuid") is uuid
    assert annotation(inputs.FacetCreateInput, "uuid") is uuid
    assert annotation(inputs.EngagementCreateInput, "employee") is uuid  # made by type(), not a class statement
    assert annotation(events.ListenerFilter, "owners") is annotation(events.ListenerFilter, "uuids")
    assert annotation(inputs.ClassCreateInput, "name") is not uuid


def test_private_annotated_resolved_and_text_fields_keep_their_own() -> None:
    @strawberry.type
    @shared
    class Sample:
        a: Optional[UUID] = strawberry.field(default=None)
        b: Optional[UUID] = strawberry.field(default=None)
        plain: Optional[UUID] = None
        hidden: strawberry.Private[str] = "secret"  # private fields cannot be strawberry.field()s
        described: Annotated[Optional[int], strawberry.argument(description="x")] = strawberry.field(default=None)
        later: "Optional[str]" = None

        @strawberry.field
        def computed(self) -> Optional[UUID]:
            return self.a

    assert annotation(Sample, "a") is annotation(Sample, "b")
    assert annotation(Sample, "computed") is not annotation(Sample, "a")
    assert annotation(Sample, "plain") is not annotation(Sample, "a")
    assert isinstance(Sample.__annotations__["later"], str)

    @strawberry.type
    class Query:
        @strawberry.field
        def sample(self) -> Sample:
            return Sample(a=UUID(int=7))

    schema = strawberry.Schema(query=Query)
    sdl = schema.as_str()
    assert "hidden" not in sdl  # still private
    assert "described: Int" in sdl and "later: String" in sdl
    result = schema.execute_sync("{ sample { a b plain computed } }")
    assert result.errors is None
    assert result.data == {"sample": {"a": str(UUID(int=7)), "b": None, "plain": None, "computed": str(UUID(int=7))}}
