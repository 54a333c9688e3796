"""SQL reading service requests: a report, the case it stands behind (if cased yet) and its
category, in the session's tenant (RLS) and explicitly filtered on it too.

Only public requests are ever returned: the case's confidentiality once cased, the
category's before. Contact details are never selected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake.models import CaseReport, CaseView, Category, Report
from intake.open311.status import CLOSED_STATUSES

PUBLIC = "public"


@dataclass(frozen=True)
class RequestRow:
    report_id: UUID
    tracking_number: str
    submitted_at: datetime
    category_code: str
    category_labels: dict[str, str] | None
    description: str
    address: str | None
    lat: float
    lon: float
    case_status: str | None
    status_notes: str | None
    department: str | None
    due_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class RequestFilter:
    start: datetime
    end: datetime
    service_codes: Sequence[str] = ()
    statuses: Sequence[str] = ()  # "open", "closed"; empty: both


def _base(tenant_id: str) -> Select[Any]:
    confidentiality = func.coalesce(CaseView.confidentiality, Category.confidentiality)
    return (
        select(
            Report.id.label("report_id"),
            Report.tracking_number,
            Report.submitted_at,
            Report.category_code,
            Category.labels.label("category_labels"),
            Report.description,
            Report.address,
            func.ST_Y(Report.location).label("lat"),
            func.ST_X(Report.location).label("lon"),
            CaseView.status.label("case_status"),
            CaseView.status_notes,
            CaseView.department,
            CaseView.due_at,
            CaseView.updated_at,
        )
        .select_from(Report)
        .outerjoin(CaseReport, CaseReport.report_id == Report.id)
        .outerjoin(CaseView, CaseView.case_id == CaseReport.case_id)
        .outerjoin(
            Category,
            and_(Category.tenant_id == Report.tenant_id, Category.code == Report.category_code),
        )
        .where(Report.tenant_id == tenant_id, confidentiality == PUBLIC)
    )


def _rows(result: Any) -> list[RequestRow]:
    return [RequestRow(**row._mapping) for row in result]


async def by_numbers(
    session: AsyncSession, tenant_id: str, numbers: Sequence[str]
) -> list[RequestRow]:
    statement = _base(tenant_id).where(Report.tracking_number.in_(list(numbers)))
    return _rows(await session.execute(statement.order_by(Report.submitted_at.desc())))


async def by_report_id(session: AsyncSession, tenant_id: str, report_id: UUID) -> RequestRow | None:
    rows = _rows(await session.execute(_base(tenant_id).where(Report.id == report_id)))
    return rows[0] if rows else None


async def matching(
    session: AsyncSession, tenant_id: str, wanted: RequestFilter, limit: int
) -> list[RequestRow]:
    statement = _base(tenant_id).where(
        Report.submitted_at >= wanted.start, Report.submitted_at <= wanted.end
    )
    if wanted.service_codes:
        statement = statement.where(Report.category_code.in_(list(wanted.service_codes)))
    status_clause = _status_clause(wanted.statuses)
    if status_clause is not None:
        statement = statement.where(status_clause)
    statement = statement.order_by(Report.submitted_at.desc(), Report.id.desc()).limit(limit)
    return _rows(await session.execute(statement))


def _status_clause(statuses: Sequence[str]) -> ColumnElement[bool] | None:
    closed = CaseView.status.in_(sorted(CLOSED_STATUSES))
    wanted = set(statuses)
    if wanted == {"closed"}:
        return closed
    if wanted == {"open"}:
        return or_(CaseView.status.is_(None), not_(closed))
    return None
