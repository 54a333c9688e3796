"""SQL of intake's case projection (`case_view`, `case_report`), session bound to the tenant.

Events of one case may be redelivered out of order after a failure: a change older than the
last one applied (by its own timestamp) is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import Row, driver_connection, insert_rows, table_of
from intake.models import CaseReport, CaseView


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
