"""SQL of the router (session bound to the tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import exists, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.events.report import ReportContent
from routing.models import Category, Decision, Department
from routing.open_cases.repository import nearest_open_case


@dataclass(frozen=True)
class CategoryDefaults:
    code: str
    department: str
    priority: str
    confidentiality: str
    sla_business_days: int
    duplicate_radius_m: int


@dataclass(frozen=True)
class Situation:
    """What the router needs to know about a report, read in one round trip."""

    already_decided: bool
    category: CategoryDefaults | None
    duplicate_of: UUID | None


async def situation(session: AsyncSession, report: ReportContent, since: datetime) -> Situation:
    """Whether the report was decided already, its category's defaults (None: unknown
    category) and the open case it duplicates, within the category's radius."""
    category = (
        select(
            Category.code,
            Department.code.label("department"),
            Category.default_priority,
            Category.confidentiality,
            Category.sla_business_days,
            Category.duplicate_radius_m,
        )
        .join(Department, Department.id == Category.default_department_id)
        .where(Category.code == report.category_code)
        .subquery()
        .lateral()
    )
    duplicate = nearest_open_case(
        category_code=report.category_code,
        lon=report.location.lon,
        lat=report.location.lat,
        radius_m=category.c.duplicate_radius_m,
        since=since,
    )
    decided = exists().where(Decision.report_id == report.report_id)
    statement = (
        select(decided.label("decided"), category, duplicate.label("duplicate_of"))
        .select_from(select(literal(1)).subquery())
        .outerjoin(category, true())
    )
    row = (await session.execute(statement)).one()
    defaults = None
    if row.code is not None:
        defaults = CategoryDefaults(
            code=row.code,
            department=row.department,
            priority=row.default_priority,
            confidentiality=row.confidentiality,
            sla_business_days=row.sla_business_days,
            duplicate_radius_m=row.duplicate_radius_m,
        )
    return Situation(bool(row.decided), defaults, row.duplicate_of)


async def decision_for(session: AsyncSession, report_id: UUID) -> Decision | None:
    decision: Decision | None = await session.scalar(
        select(Decision).where(Decision.report_id == report_id)
    )
    return decision
