"""SQL of the router (session bound to the tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from routing.models import Category, Decision, Department


@dataclass(frozen=True)
class CategoryDefaults:
    code: str
    department: str
    priority: str
    confidentiality: str
    sla_business_days: int
    duplicate_radius_m: int


async def category_defaults(session: AsyncSession, code: str) -> CategoryDefaults | None:
    statement = (
        select(Category, Department.code)
        .join(Department, Department.id == Category.default_department_id)
        .where(Category.code == code)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        return None
    category, department = row
    return CategoryDefaults(
        code=category.code,
        department=department,
        priority=category.default_priority,
        confidentiality=category.confidentiality,
        sla_business_days=category.sla_business_days,
        duplicate_radius_m=category.duplicate_radius_m,
    )


async def decision_for(session: AsyncSession, report_id: UUID) -> Decision | None:
    decision: Decision | None = await session.scalar(
        select(Decision).where(Decision.report_id == report_id)
    )
    return decision
