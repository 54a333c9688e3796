"""The tracking-number locator (no RLS): written with each case or supporter, read by the
reporter API before the tenant is known."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_locator import CaseLocator
from guichet_kit.db.driver import Row, table_of


def row(
    *,
    tracking_number: str,
    tenant_id: str,
    report_id: uuid.UUID,
    token_hash: bytes | None,
    reporter_subject: str | None,
) -> Row:
    """Written with each case or supporter (`guichet_kit.bus.write_with_event`). Idempotent
    for the same report; a tracking number already given to another report fails (unique
    key), which the consumer retries and finally dead-letters."""
    values = {
        "tracking_number": tracking_number,
        "tenant_id": tenant_id,
        "report_id": report_id,
        "token_hash": token_hash,
        "reporter_subject": reporter_subject,
    }
    return Row(table_of(CaseLocator), values, suffix="ON CONFLICT (report_id) DO NOTHING")


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
