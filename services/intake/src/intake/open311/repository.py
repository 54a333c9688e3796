"""SQL of Open311, in the session's tenant (RLS), explicitly filtered on it too where it reads.

Service requests: a report, the case it stands behind (if cased yet) and its category. Only
public requests are ever returned: the case's confidentiality once cased, the category's
before. Contact details are never selected.

The case projection (`case_view`, `case_report`): events of one case may be redelivered out
of order after a failure, so a change older than the last one applied (by its own timestamp)
is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import Row, driver_connection, insert_rows, table_of
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


@dataclass(frozen=True)
class NewCase:
    tenant_id: str
    case_id: UUID
    case_number: str
    status: str
    confidentiality: str
    department: str
    due_at: datetime
    created_at: datetime
    report_id: UUID


_NEW_CASE = "ON CONFLICT (case_id) DO NOTHING"
_NEW_LINK = "ON CONFLICT (report_id) DO UPDATE SET case_id = excluded.case_id"


async def add_cases(session: AsyncSession, cases: Sequence[NewCase]) -> None:
    """New cases and the report behind each, all in one statement (every case: through the
    driver). A replayed creation changes nothing."""
    # One link per report, the last one, as if added one by one: an upsert cannot touch a
    # row twice in one statement.
    links = {case.report_id: case for case in cases}
    rows = [_case_row(case) for case in cases] + [_link_row(case) for case in links.values()]
    await insert_rows(session, rows)


def _case_row(case: NewCase) -> Row:
    values = {
        "tenant_id": case.tenant_id,
        "case_id": case.case_id,
        "case_number": case.case_number,
        "status": case.status,
        "confidentiality": case.confidentiality,
        "department": case.department,
        "due_at": case.due_at,
        "created_at": case.created_at,
        "updated_at": case.created_at,
    }
    return Row(table_of(CaseView), values, suffix=_NEW_CASE)


def _link_row(case: NewCase) -> Row:
    values = {"tenant_id": case.tenant_id, "report_id": case.report_id, "case_id": case.case_id}
    return Row(table_of(CaseReport), values, suffix=_NEW_LINK)


_LINK_REPORT = """
INSERT INTO intake.case_report AS link (tenant_id, report_id, case_id)
SELECT $1, $2, case_id FROM intake.case_view WHERE case_id = $3
ON CONFLICT (report_id) DO UPDATE SET case_id = excluded.case_id
RETURNING link.case_id
"""


async def link_report(
    session: AsyncSession, tenant_id: str, report_id: UUID, case_id: UUID
) -> bool:
    """The report now stands behind `case_id` (the case it joined); False, and nothing
    written, when that case is not projected yet. Every duplicate report: through the driver."""
    connection = await driver_connection(session)
    return await connection.fetchval(_LINK_REPORT, tenant_id, report_id, case_id) is not None


async def move_reports(session: AsyncSession, from_case: UUID, to_case: UUID) -> None:
    """A case merged into another: its reports follow the surviving case."""
    await session.execute(
        update(CaseReport).where(CaseReport.case_id == from_case).values(case_id=to_case)
    )


async def case_exists(session: AsyncSession, case_id: UUID) -> bool:
    found = await session.execute(select(CaseView.case_id).where(CaseView.case_id == case_id))
    return found.first() is not None


async def update_case(
    session: AsyncSession, case_id: UUID, at: datetime, values: dict[str, Any]
) -> bool:
    """Apply `values` unless a later change was applied already. False when nothing changed
    (the case is unknown, or the change is stale)."""
    statement = (
        update(CaseView)
        .where(CaseView.case_id == case_id, CaseView.updated_at <= at)
        .values(**values, updated_at=at)
        .returning(CaseView.case_id)
    )
    return (await session.execute(statement)).first() is not None
