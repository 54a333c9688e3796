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

from sqlalchemy import ColumnElement, CursorResult, delete, func, or_, select
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_kit.bus import add_to_outbox
from routing.models import (
    Category,
    Department,
    DirectoryRevision,
    Municipality,
    Question,
    Subcategory,
    outbox,
)

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


async def municipality(session: AsyncSession, nis: str) -> Municipality | None:
    found: Municipality | None = await session.scalar(
        select(Municipality).where(Municipality.nis == nis)
    )
    return found


async def municipality_with_boundary(
    session: AsyncSession, nis: str
) -> tuple[Municipality, str] | None:
    """The hosted municipality and its boundary as GeoJSON (7 decimals)."""
    statement = select(Municipality, func.ST_AsGeoJSON(Municipality.boundary, 7)).where(
        Municipality.nis == nis
    )
    row = (await session.execute(statement)).one_or_none()
    return None if row is None else (row[0], row[1])


async def published_revision(session: AsyncSession, nis: str) -> int | None:
    """Revision of the last snapshot published for `nis` (session bound to that tenant)."""
    revision: int | None = await session.scalar(
        select(DirectoryRevision.revision).where(DirectoryRevision.tenant_id == nis)
    )
    return revision


async def next_revision(session: AsyncSession, nis: str) -> int:
    """The revision of `nis`, bumped (1 for its first snapshot)."""
    statement = (
        insert(DirectoryRevision)
        .values(tenant_id=nis, revision=1)
        .on_conflict_do_update(
            index_elements=["tenant_id"],
            set_={"revision": DirectoryRevision.revision + 1, "published_at": func.now()},
        )
        .returning(DirectoryRevision.revision)
    )
    revision: int = (await session.execute(statement)).scalar_one()
    return revision


async def queue_snapshot(session: AsyncSession, envelope: Envelope) -> None:
    """The `directory.published` event, in the outbox (EventTooLargeError beyond one message)."""
    await add_to_outbox(session, outbox, envelope)


async def departments(session: AsyncSession) -> list[Department]:
    return list(await session.scalars(select(Department).order_by(Department.code)))


async def categories(session: AsyncSession) -> list[tuple[Category, str]]:
    """The bound tenant's categories in their order, each with its default department's code."""
    statement = (
        select(Category, Department.code)
        .join(Department, Department.id == Category.default_department_id)
        .order_by(Category.position, Category.code)
    )
    return [(category, code) for category, code in (await session.execute(statement)).all()]


async def subcategories(session: AsyncSession) -> list[Subcategory]:
    return list(
        await session.scalars(select(Subcategory).order_by(Subcategory.position, Subcategory.code))
    )


async def questions(session: AsyncSession) -> list[Question]:
    return list(await session.scalars(select(Question).order_by(Question.position, Question.code)))


async def police_partner(session: AsyncSession, *, other_than: str) -> str | None:
    """The code of the town's police partner department, unless it is `other_than`."""
    code: str | None = await session.scalar(
        select(Department.code).where(
            Department.kind == "police_partner", Department.code != other_than
        )
    )
    return code


async def categories_defaulting_to(session: AsyncSession, department_id: UUID) -> list[str]:
    return list(
        await session.scalars(
            select(Category.code).where(Category.default_department_id == department_id)
        )
    )


async def delete_department(session: AsyncSession, department_id: UUID) -> None:
    await session.execute(delete(Department).where(Department.id == department_id))


async def delete_category(session: AsyncSession, category_id: UUID) -> None:
    await session.execute(delete(Category).where(Category.id == category_id))


async def delete_entries_except(
    session: AsyncSession,
    model: type[Subcategory] | type[Question],
    category_id: UUID,
    kept: Sequence[str],
) -> int:
    """Removes the category's subcategories (or questions) not in `kept`; how many."""
    removed = await session.execute(
        delete(model)
        .where(model.category_id == category_id, model.code.not_in(kept))
        .returning(model.id)
    )
    return len(removed.all())


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
