"""The tracking-number locator (no RLS): written with each case or supporter, read by the
reporter API before the tenant is known."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_locator import CaseLocator
from guichet_kit.db.driver import driver_connection

_ADD = (
    "INSERT INTO cases.case_locator "
    "(tracking_number, tenant_id, report_id, token_hash, reporter_subject) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (report_id) DO NOTHING"
)


async def add(
    session: AsyncSession,
    *,
    tracking_number: str,
    tenant_id: str,
    report_id: uuid.UUID,
    token_hash: bytes | None,
    reporter_subject: str | None,
) -> None:
    """Idempotent for the same report; a tracking number already given to another report
    fails (unique key), which the consumer retries and finally dead-letters."""
    connection = await driver_connection(session)  # once per routed report (ADR 0013)
    await connection.execute(
        _ADD, tracking_number, tenant_id, report_id, token_hash, reporter_subject
    )


async def find(session: AsyncSession, tracking_number: str) -> CaseLocator | None:
    statement = select(CaseLocator).where(CaseLocator.tracking_number == tracking_number)
    return (await session.execute(statement)).scalar_one_or_none()


async def of_subject(session: AsyncSession, subject: str, limit: int) -> list[CaseLocator]:
    statement = (
        select(CaseLocator)
        .where(CaseLocator.reporter_subject == subject)
        .order_by(CaseLocator.report_id.desc())  # uuid7: newest report first
        .limit(limit)
    )
    return list((await session.execute(statement)).scalars())
