"""Reading attachments (RLS limits every query to the bound tenant)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_attachment import CaseAttachment


async def of_case(
    session: AsyncSession, case_id: uuid.UUID, *, public_only: bool = False
) -> list[CaseAttachment]:
    statement = select(CaseAttachment).where(CaseAttachment.case_id == case_id)
    if public_only:
        statement = statement.where(CaseAttachment.visibility == "public")
    statement = statement.order_by(CaseAttachment.created_at, CaseAttachment.id)
    return list((await session.execute(statement)).scalars())


async def find(
    session: AsyncSession, case_id: uuid.UUID, attachment_id: uuid.UUID
) -> CaseAttachment | None:
    statement = select(CaseAttachment).where(
        CaseAttachment.case_id == case_id, CaseAttachment.id == attachment_id
    )
    return (await session.execute(statement)).scalar_one_or_none()
