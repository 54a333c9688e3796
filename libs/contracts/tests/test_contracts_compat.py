from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guichet_contracts.compat import breaking_changes, breaking_changes_between


def schema(model: type[BaseModel]) -> dict[str, Any]:
    return model.model_json_schema(mode="validation")


class Address(BaseModel):
    street: str
    number: int


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", title="Report")
    report_id: str
    count: int
    note: str | None = None
    address: Address
    tags: list[str]
    photos: list[Address]


def test_identical_schemas_are_compatible() -> None:
    assert breaking_changes(schema(Base), schema(Base)) == []


def test_adding_an_optional_field_is_allowed() -> None:
    class Added(Base):
        model_config = ConfigDict(title="Report")
        channel: str | None = None
        priority: int = 3

    assert breaking_changes(schema(Base), schema(Added)) == []


def test_adding_a_required_field_is_breaking() -> None:
    class Added(Base):
        channel: str

    assert breaking_changes(schema(Base), schema(Added)) == ["$.channel: added as required"]


def test_removing_a_field_is_breaking() -> None:
    class Removed(BaseModel):
        report_id: str
        note: str | None = None
        address: Address
        tags: list[str]
        photos: list[Address]

    assert breaking_changes(schema(Base), schema(Removed)) == ["$.count: removed"]


def test_changing_a_type_is_breaking() -> None:
    class Changed(Base):
        count: str  # type: ignore[assignment]

    problems = breaking_changes(schema(Base), schema(Changed))
    assert problems == ["$.count: type changed from type='integer' to type='string'"]


def test_making_a_field_nullable_is_breaking() -> None:
    class Nullable(Base):
        count: int | None  # type: ignore[assignment]

    problems = breaking_changes(schema(Base), schema(Nullable))
    assert problems
    assert all(p.startswith("$.count") for p in problems)


def test_required_and_optional_flips_are_breaking() -> None:
    class Flipped(Base):
        count: int = 0
        note: str | None

    assert breaking_changes(schema(Base), schema(Flipped)) == [
        "$.count: became optional",
        "$.note: became required",
    ]


def test_nested_models_follow_the_same_rules() -> None:
    class AddressPlus(BaseModel):
        model_config = ConfigDict(title="Address")
        street: str
        number: int
        box: str | None = None

    class AddressMinus(BaseModel):
        model_config = ConfigDict(title="Address")
        street: str
        number: str

    class Plus(Base):
        address: AddressPlus  # type: ignore[assignment]
        photos: list[AddressPlus]  # type: ignore[assignment]

    class Minus(Base):
        photos: list[AddressMinus]  # type: ignore[assignment]

    assert breaking_changes(schema(Base), schema(Plus)) == []
    assert breaking_changes(schema(Base), schema(Minus)) == [
        "$.photos[items].number: type changed from type='integer' to type='string'"
    ]


def test_enum_values_and_formats_are_part_of_the_type() -> None:
    class Colour(StrEnum):
        RED = "red"

    class Colour2(StrEnum):
        RED = "red"
        BLUE = "blue"

    class A(BaseModel):
        colour: Colour
        at: str

    class B(BaseModel):
        colour: Colour2
        at: str = Field(json_schema_extra={"format": "date-time"})

    problems = breaking_changes(schema(A), schema(B))
    assert len(problems) == 2
    assert problems[0].startswith("$.at: type changed")
    assert problems[1].startswith("$.colour: type changed")


def test_mapping_value_types_are_compared() -> None:
    class A(BaseModel):
        counts: dict[str, int]

    class B(BaseModel):
        counts: dict[str, str]

    assert breaking_changes(schema(A), schema(B)) == [
        "$.counts[additionalProperties]: type changed from type='integer' to type='string'"
    ]


def test_annotations_do_not_count() -> None:
    class Documented(Base):
        model_config = ConfigDict(title="Something else")
        count: int = Field(description="how many", examples=[3])

    assert breaking_changes(schema(Base), schema(Documented)) == []


def test_recursive_models_terminate() -> None:
    class Node(BaseModel):
        name: str
        children: list[Node]

    class NodeV(BaseModel):
        model_config = ConfigDict(title="Node")
        name: str
        children: list[NodeV]
        size: int | None = None

    assert breaking_changes(schema(Node), schema(NodeV)) == []


def test_between_file_sets() -> None:
    old = {"a.v1.schema.json": schema(Base), "b.v1.schema.json": schema(Address)}
    new = {"a.v1.schema.json": schema(Base), "c.v1.schema.json": schema(Address)}
    assert breaking_changes_between(old, new) == ["b.v1.schema.json: schema removed"]
