"""SQL of the reporter's side: the tracking-number locator (no RLS, read before the tenant is
known) and the case a report is part of."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case import Case
from cases.models.case_locator import CaseLocator
from cases.models.case_supporter import CaseSupporter


@dataclass(frozen=True)
class Owner:
    case_id: uuid.UUID
    subject: str | None


async def find_locator(session: AsyncSession, tracking_number: str) -> CaseLocator | None:
    statement = select(CaseLocator).where(CaseLocator.tracking_number == tracking_number)
    return (await session.execute(statement)).scalar_one_or_none()


async def locators_of(session: AsyncSession, subject: str, limit: int) -> list[CaseLocator]:
    statement = (
        select(CaseLocator)
        .where(CaseLocator.reporter_subject == subject)
        .order_by(CaseLocator.report_id.desc())  # uuid7: newest report first
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())


async def owner_of(session: AsyncSession, report_id: uuid.UUID) -> Owner | None:
    """The case the report opened or supports, and the account that sent it."""
    as_case = await session.execute(
        select(Case.id, Case.reporter_subject).where(Case.report_id == report_id)
    )
    row = as_case.one_or_none()
    if row is None:
        as_supporter = await session.execute(
            select(CaseSupporter.case_id, CaseSupporter.reporter_subject).where(
                CaseSupporter.report_id == report_id
            )
        )
        row = as_supporter.one_or_none()
    return None if row is None else Owner(case_id=row[0], subject=row[1])


async def photos_of_report(session: AsyncSession, report_id: uuid.UUID) -> list[dict[str, Any]]:
    """The photos of the report that opened a case (a supporter's photos are not kept)."""
    statement = select(Case.photos).where(Case.report_id == report_id)
    return list((await session.execute(statement)).scalar_one_or_none() or [])
