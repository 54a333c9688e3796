"""SQL of the tenant directory.

Upserts are idempotent and write nothing when a row already holds the same values (the
``ON CONFLICT ... DO UPDATE ... WHERE ... IS DISTINCT FROM`` clause), so re-running a seed
leaves ``updated_at`` and the rows' versions untouched. They return how many rows they
inserted or changed.

Department, category and subcategory are tenant-owned: call these inside a transaction bound to
the tenant (`guichet_kit.db.tenant_transaction` / `set_tenant`); RLS rejects other tenants' rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, cast
from uuid import UUID

from sqlalchemy import ColumnElement, CursorResult, func, or_, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from routing.models import Category, Department, Municipality, Question, Subcategory

WGS84 = 4326


@dataclass(frozen=True)
class MunicipalityRow:
    nis: str
    names: dict[str, str]
    languages: list[str]
    case_prefix: str
    boundary_geojson: str  # a GeoJSON Polygon or MultiPolygon geometry, WGS84 lon/lat


@dataclass(frozen=True)
class DepartmentRow:
    code: str
    labels: dict[str, str]
    kind: str


@dataclass(frozen=True)
class CategoryRow:
    code: str
    labels: dict[str, str]
    notice: dict[str, str] | None
    duplicate_radius_m: int
    sla_business_days: int
    default_priority: str
    confidentiality: str
    default_department_id: UUID
    position: int


@dataclass(frozen=True)
class SubcategoryRow:
    category_id: UUID
    code: str
    labels: dict[str, str]
    position: int


@dataclass(frozen=True)
class QuestionRow:
    category_id: UUID
    code: str
    labels: dict[str, str]
    datatype: str
    required: bool
    options: list[dict[str, Any]]
    position: int


async def upsert_municipality(session: AsyncSession, row: MunicipalityRow) -> int:
    geometry = func.ST_GeomFromGeoJSON(row.boundary_geojson)
    values: dict[str, Any] = {
        "nis": row.nis,
        "names": row.names,
        "languages": row.languages,
        "case_prefix": row.case_prefix,
        "boundary": func.ST_Multi(func.ST_SetSRID(geometry, WGS84)),
    }
    statement = insert(Municipality).values(values)
    updated = ("names", "languages", "case_prefix", "boundary")
    return await _execute_upsert(session, statement, ["nis"], updated)


async def upsert_departments(
    session: AsyncSession, tenant_id: str, rows: Sequence[DepartmentRow]
) -> int:
    values = [{"tenant_id": tenant_id, **asdict(row)} for row in rows]
    return await _upsert_many(
        session, Department, values, ["tenant_id", "code"], ("labels", "kind")
    )


async def upsert_categories(
    session: AsyncSession, tenant_id: str, rows: Sequence[CategoryRow]
) -> int:
    values = [{"tenant_id": tenant_id, **asdict(row)} for row in rows]
    updated = (
        "labels",
        "notice",
        "duplicate_radius_m",
        "sla_business_days",
        "default_priority",
        "confidentiality",
        "default_department_id",
        "position",
    )
    return await _upsert_many(session, Category, values, ["tenant_id", "code"], updated)


async def upsert_subcategories(
    session: AsyncSession, tenant_id: str, rows: Sequence[SubcategoryRow]
) -> int:
    values = [{"tenant_id": tenant_id, **asdict(row)} for row in rows]
    return await _upsert_many(
        session, Subcategory, values, ["category_id", "code"], ("labels", "position")
    )


async def upsert_questions(
    session: AsyncSession, tenant_id: str, rows: Sequence[QuestionRow]
) -> int:
    values = [{"tenant_id": tenant_id, **asdict(row)} for row in rows]
    updated = ("labels", "datatype", "required", "options", "position")
    return await _upsert_many(session, Question, values, ["category_id", "code"], updated)


async def department_ids(session: AsyncSession) -> dict[str, UUID]:
    """Code → id of the bound tenant's departments."""
    result = await session.execute(select(Department.code, Department.id))
    return dict(result.all())


async def category_ids(session: AsyncSession) -> dict[str, UUID]:
    """Code → id of the bound tenant's categories."""
    result = await session.execute(select(Category.code, Category.id))
    return dict(result.all())


async def _upsert_many(
    session: AsyncSession,
    model: type[Department | Category | Subcategory | Question],
    values: list[dict[str, Any]],
    key: list[str],
    updated: tuple[str, ...],
) -> int:
    if not values:
        return 0
    return await _execute_upsert(session, insert(model).values(values), key, updated)


async def _execute_upsert(
    session: AsyncSession, statement: Insert, key: list[str], updated: tuple[str, ...]
) -> int:
    table = statement.table
    excluded = statement.excluded
    changed: list[ColumnElement[bool]] = [
        table.c[name].is_distinct_from(excluded[name]) for name in updated
    ]
    upsert = statement.on_conflict_do_update(
        index_elements=key,
        set_={**{name: excluded[name] for name in updated}, "updated_at": func.now()},
        where=or_(*changed),
    )
    result = cast(CursorResult[Any], await session.execute(upsert))
    return result.rowcount
