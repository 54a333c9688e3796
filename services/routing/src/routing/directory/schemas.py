"""API shapes of the directory admin endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from guichet_contracts.values import Confidentiality, Language, Priority

CATEGORY_CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
"""Codes of categories, subcategories, questions and their options."""
DEPARTMENT_CODE_PATTERN = r"^[A-Z][A-Z0-9_]{1,15}$"
CASE_PREFIX_PATTERN = r"^[A-Z]{3}$"
"""A municipality's case-number prefix."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CategoryCode = Annotated[str, StringConstraints(pattern=CATEGORY_CODE_PATTERN)]
DepartmentCode = Annotated[str, StringConstraints(pattern=DEPARTMENT_CODE_PATTERN)]
CasePrefix = Annotated[str, StringConstraints(pattern=CASE_PREFIX_PATTERN)]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# One text in each language the platform speaks, as an administrator or the demo data gives
# it (stripped, at most 200 characters; guichet_contracts.values.Labels, the events' shape,
# has neither constraint).
class LabelsBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fr: Text
    nl: Text
    de: Text
    en: Text

    def get(self, language: Language) -> str:
        return str(getattr(self, language))


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
