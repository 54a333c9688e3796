"""The tenant directory, published by routing: one snapshot per municipality.

Consumers (intake, cases, portal, ...) keep their own projection and replace a tenant's data
when a snapshot with a higher `revision` arrives. The DIRECTORY stream keeps the last snapshot
per subject (= per municipality) with no age limit, so a new consumer starts complete.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from guichet_contracts.payload import EventPayload
from guichet_contracts.registry import register
from guichet_contracts.tenancy import NIS_PATTERN
from guichet_contracts.values import (
    CODE_PATTERN,
    Confidentiality,
    ContractModel,
    Labels,
    Language,
    Priority,
)

QuestionType = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]


class MunicipalityInfo(ContractModel):
    nis: str = Field(pattern=NIS_PATTERN)
    names: Labels
    languages: list[Language] = Field(min_length=1)
    case_prefix: str = Field(pattern=r"^[A-Z]{2,5}$")
    boundary: dict[str, Any] = Field(description="GeoJSON MultiPolygon geometry, WGS84")


class DepartmentInfo(ContractModel):
    code: str = Field(pattern=CODE_PATTERN)
    labels: Labels
    kind: str = Field(description="e.g. 'service', 'police_partner'")


class QuestionOption(ContractModel):
    key: str = Field(pattern=CODE_PATTERN)
    labels: Labels


class QuestionInfo(ContractModel):
    """An extra question asked for a category (Open311 service attribute)."""

    code: str = Field(pattern=CODE_PATTERN)
    labels: Labels
    datatype: QuestionType
    required: bool = False
    options: list[QuestionOption] = Field(default_factory=list)


class SubcategoryInfo(ContractModel):
    code: str = Field(pattern=CODE_PATTERN)
    labels: Labels


class CategoryInfo(ContractModel):
    code: str = Field(pattern=CODE_PATTERN)
    labels: Labels
    subcategories: list[SubcategoryInfo] = Field(default_factory=list)
    default_department_code: str = Field(pattern=CODE_PATTERN)
    default_priority: Priority
    confidentiality: Confidentiality
    sla_business_days: int = Field(ge=1, le=365)
    duplicate_radius_m: int = Field(ge=0, le=5000)
    notice: Labels | None = None
    questions: list[QuestionInfo] = Field(default_factory=list)


@register
class DirectoryPublished(EventPayload):
    event_type: ClassVar[str] = "directory.published"
    event_version: ClassVar[int] = 1

    revision: int = Field(ge=1, description="monotonic per municipality; ignore older ones")
    municipality: MunicipalityInfo
    departments: list[DepartmentInfo]
    categories: list[CategoryInfo]
