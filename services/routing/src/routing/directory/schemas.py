"""API shapes of the directory admin endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from guichet_contracts.values import Confidentiality, Priority

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
DepartmentCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LabelsBody(_Body):
    fr: Text
    nl: Text
    de: Text
    en: Text


class DepartmentBody(_Body):
    labels: LabelsBody
    kind: Literal["municipal", "police_partner"] = "municipal"


class QuestionOptionBody(_Body):
    key: CategoryCode
    labels: LabelsBody


class QuestionBody(_Body):
    code: CategoryCode
    labels: LabelsBody
    datatype: Datatype
    required: bool = False
    options: list[QuestionOptionBody] = Field(default_factory=list, max_length=50)


class SubcategoryBody(_Body):
    code: CategoryCode
    labels: LabelsBody


class CategoryBody(_Body):
    """A category with its settings; its subcategories and questions are replaced as given."""

    labels: LabelsBody
    notice: LabelsBody | None = None
    default_department: DepartmentCode
    default_priority: Priority
    confidentiality: Confidentiality
    sla_business_days: int = Field(ge=1, le=90)
    duplicate_radius_m: int = Field(ge=1, le=1000)
    position: int = Field(default=0, ge=0, le=1000)
    subcategories: list[SubcategoryBody] = Field(min_length=1, max_length=100)
    questions: list[QuestionBody] = Field(default_factory=list, max_length=30)
