"""SQL of intake's case projection (`case_view`, `case_report`), session bound to the tenant.

Events of one case may be redelivered out of order after a failure: a change older than the
last one applied (by its own timestamp) is ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.models import CaseReport, CaseView


async def add_case(session: AsyncSession, values: dict[str, Any]) -> None:
    """A new case (a replayed creation changes nothing)."""
    statement = (
        pg_insert(CaseView).values(values).on_conflict_do_nothing(index_elements=[CaseView.case_id])
    )
    await session.execute(statement)


async def link_report(
    session: AsyncSession, tenant_id: str, report_id: UUID, case_id: UUID
) -> None:
    """The report now stands behind `case_id` (its own case, or the one it joined)."""
    statement = pg_insert(CaseReport).values(
        tenant_id=tenant_id, report_id=report_id, case_id=case_id
    )
    statement = statement.on_conflict_do_update(
        index_elements=[CaseReport.report_id], set_={"case_id": statement.excluded.case_id}
    )
    await session.execute(statement)


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
