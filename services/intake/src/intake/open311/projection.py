"""SQL of intake's case projection (`case_view`, `case_report`), session bound to the tenant.

Events of one case may be redelivered out of order after a failure: a change older than the
last one applied (by its own timestamp) is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection
from intake.models import CaseReport, CaseView

_ADD_CASE = """
WITH new_case AS (
    INSERT INTO intake.case_view (tenant_id, case_id, case_number, status, confidentiality,
        department, due_at, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
    ON CONFLICT (case_id) DO NOTHING
)
INSERT INTO intake.case_report AS link (tenant_id, report_id, case_id) VALUES ($1, $9, $2)
ON CONFLICT (report_id) DO UPDATE SET case_id = excluded.case_id
"""


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


async def add_case(session: AsyncSession, case: NewCase) -> None:
    """A new case and the report behind it, in one statement (every case: through the
    driver). A replayed creation changes nothing."""
    connection = await driver_connection(session)
    await connection.execute(
        _ADD_CASE,
        case.tenant_id,
        case.case_id,
        case.case_number,
        case.status,
        case.confidentiality,
        case.department,
        case.due_at,
        case.created_at,
        case.report_id,
    )


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
