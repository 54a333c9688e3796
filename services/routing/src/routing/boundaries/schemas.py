"""API shapes of the municipality endpoints (operator)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from guichet_contracts.values import OfficialLanguage
from routing.directory.schemas import CasePrefix, LabelsBody


class MunicipalityBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    names: LabelsBody
    languages: list[OfficialLanguage] = Field(min_length=1, max_length=3)
    case_prefix: CasePrefix
    boundary: dict[str, Any] = Field(description="GeoJSON (Multi)Polygon, Feature(Collection)")


class MunicipalityImported(BaseModel):
    nis: str
    area_km2: float
    changed: bool = True
