"""Demo reference data for the routing service: municipal directory and boundaries.

The data files live next to this module (``directory.json``, ``boundaries/<nis>.geojson``)
and ship inside the wheel. Provenance and licences are documented in
``boundaries/SOURCES.md``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from guichet_contracts.tenancy import TenantId, is_tenant_id
from guichet_contracts.values import Confidentiality, OfficialLanguage, Priority
from routing.directory.schemas import CasePrefix, CategoryCode, DepartmentCode
from routing.directory.schemas import LabelsBody as Labels
from routing.rules.schemas import RuleBody

__all__ = [
    "Category",
    "DemoDirectory",
    "Department",
    "Labels",
    "Municipality",
    "Point",
    "Question",
    "QuestionOption",
    "SubCategory",
    "load_boundary",
    "load_demo_directory",
    "official_languages",
]


_Item = TypeVar("_Item", "Department", "Category")

# The nine municipalities of the German-speaking Community (all in arrondissement Verviers).
_GERMAN_SPEAKING = frozenset(
    {"63001", "63012", "63013", "63023", "63040", "63048", "63061", "63067", "63087"}
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Point(_Frozen):
    """WGS84 position, restricted to Belgium's bounding box."""

    lon: Annotated[float, Field(ge=2.5, le=6.5)]
    lat: Annotated[float, Field(ge=49.4, le=51.6)]


class Department(_Frozen):
    code: DepartmentCode
    kind: Literal["municipal", "police_partner"]
    name: Labels


class SubCategory(_Frozen):
    code: CategoryCode
    label: Labels


class QuestionOption(_Frozen):
    key: CategoryCode
    label: Labels


class Question(_Frozen):
    """An extra question of a category (Open311 service attribute)."""

    code: CategoryCode
    label: Labels
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool = False
    options: tuple[QuestionOption, ...] = ()

    @model_validator(mode="after")
    def _options_match_datatype(self) -> Question:
        is_list = self.datatype.endswith("valuelist")
        if is_list != bool(self.options):
            raise ValueError(f"question {self.code}: options are for list datatypes only")
        _require_unique((o.key for o in self.options), f"option of {self.code}")
        return self


class Category(_Frozen):
    code: CategoryCode
    label: Labels
    duplicate_radius_m: Annotated[int, Field(ge=1, le=1000)]
    sla_business_days: Annotated[int, Field(ge=1, le=90)]
    default_priority: Priority
    confidentiality: Confidentiality
    default_department: DepartmentCode
    subcategories: Annotated[tuple[SubCategory, ...], Field(min_length=1)]
    notice: Labels | None = None
    questions: tuple[Question, ...] = ()

    @model_validator(mode="after")
    def _unique_subcategories(self) -> Category:
        _require_unique((s.code for s in self.subcategories), f"subcategory of {self.code}")
        _require_unique((q.code for q in self.questions), f"question of {self.code}")
        return self


class Municipality(_Frozen):
    nis: TenantId
    names: Labels
    languages: Annotated[tuple[OfficialLanguage, ...], Field(min_length=1)]
    case_prefix: CasePrefix
    centre: Point = Field(description="Approximate town-hall location.")
    area_km2: Annotated[float, Field(gt=0, lt=1000)]
    departments: Annotated[tuple[Department, ...], Field(min_length=1)]
    categories: Annotated[tuple[Category, ...], Field(min_length=1)]
    rules: tuple[RuleBody, ...] = Field(
        default=(), description="Routing rules seeded once, when the town has none yet."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Municipality:
        if set(self.languages) != official_languages(self.nis) or len(set(self.languages)) != len(
            self.languages
        ):
            raise ValueError(f"{self.nis}: languages {self.languages} are not the official ones")
        _require_unique((d.code for d in self.departments), f"{self.nis} department")
        _require_unique((c.code for c in self.categories), f"{self.nis} category")
        police = [d for d in self.departments if d.kind == "police_partner"]
        if len(police) != 1:
            raise ValueError(f"{self.nis}: expected exactly one police partner department")
        codes = {d.code for d in self.departments}
        for category in self.categories:
            if category.default_department not in codes:
                raise ValueError(
                    f"{self.nis}: category {category.code} routes to unknown department "
                    f"{category.default_department}"
                )
        for rule in self.rules:
            unknown = (set(rule.departments) - codes) | (
                set(rule.categories) - {c.code for c in self.categories}
            )
            if unknown:
                raise ValueError(f"{self.nis}: rule {rule.name!r} names unknown codes {unknown}")
        return self

    def department(self, code: str) -> Department:
        return _find(self.departments, code, f"{self.nis} department")

    def category(self, code: str) -> Category:
        return _find(self.categories, code, f"{self.nis} category")


class DemoDirectory(_Frozen):
    version: Literal[1]
    municipalities: Annotated[tuple[Municipality, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_towns(self) -> DemoDirectory:
        _require_unique((m.nis for m in self.municipalities), "NIS code")
        _require_unique((m.case_prefix for m in self.municipalities), "case prefix")
        return self

    def municipality(self, nis: str) -> Municipality:
        for town in self.municipalities:
            if town.nis == nis:
                return town
        raise KeyError(f"no demo municipality with NIS code {nis}")


def official_languages(nis: str) -> frozenset[str]:
    """Official language(s) of a municipality, derived from its NIS code."""
    if not is_tenant_id(nis):
        raise ValueError(f"not a NIS code: {nis!r}")
    if nis in _GERMAN_SPEAKING:
        return frozenset({"de"})
    if nis.startswith("21"):
        return frozenset({"fr", "nl"})
    if nis.startswith(("1", "23", "24", "3", "4", "7")):
        return frozenset({"nl"})
    if nis.startswith(("25", "5", "6", "8", "9")):
        return frozenset({"fr"})
    raise ValueError(f"NIS code {nis} is not a municipality code")


@cache
def load_demo_directory() -> DemoDirectory:
    """Parse and validate ``directory.json`` (cached; the models are immutable)."""
    text = resources.files(__name__).joinpath("directory.json").read_text(encoding="utf-8")
    return DemoDirectory.model_validate_json(text)


def load_boundary(nis: str) -> dict[str, Any]:
    """Return the GeoJSON Feature (WGS84 lon/lat Polygon) of one municipality.

    Raises ValueError for a malformed NIS code or file, LookupError when no boundary ships.
    """
    if not is_tenant_id(nis):
        raise ValueError(f"not a NIS code: {nis!r}")
    entry = resources.files(__name__).joinpath("boundaries").joinpath(f"{nis}.geojson")
    if not entry.is_file():
        raise LookupError(f"no demo boundary for NIS code {nis}")
    feature: dict[str, Any] = json.loads(entry.read_text(encoding="utf-8"))
    geometry = feature.get("geometry") or {}
    if (
        feature.get("type") != "Feature"
        or feature.get("properties", {}).get("nis") != nis
        or geometry.get("type") not in {"Polygon", "MultiPolygon"}
    ):
        raise ValueError(f"boundary file for {nis} is not a Polygon Feature of that town")
    return feature


def _require_unique(values: Iterable[str], what: str) -> None:
    duplicates = sorted(v for v, n in Counter(values).items() if n > 1)
    if duplicates:
        raise ValueError(f"duplicate {what} code(s): {', '.join(duplicates)}")


def _find(items: tuple[_Item, ...], code: str, what: str) -> _Item:
    for item in items:
        if item.code == code:
            return item
    raise KeyError(f"unknown {what} {code!r}")
