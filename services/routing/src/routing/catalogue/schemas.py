"""What a citizen reads of a municipality's categories: texts in one language, nothing of how
reports are handled (departments, priorities, deadlines, radii)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from guichet_contracts.values import Language


class OptionView(BaseModel):
    key: str
    label: str


class QuestionView(BaseModel):
    code: str
    label: str
    datatype: str
    required: bool
    options: list[OptionView]


class SubcategoryView(BaseModel):
    code: str
    label: str


class CategoryView(BaseModel):
    code: str
    label: str
    notice: str | None = Field(description="to show before the citizen reports, e.g. 'call 112'")
    published: bool = Field(
        description="whether its reports are shown publicly; internal and confidential "
        "categories are listed too (they must be reportable), their reports are never shown"
    )
    subcategories: list[SubcategoryView]
    questions: list[QuestionView]


class CatalogueView(BaseModel):
    nis: str
    name: str
    language: Language
    revision: int = Field(description="the directory's revision; 0 before its first")
    categories: list[CategoryView]
