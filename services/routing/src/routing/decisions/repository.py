"""SQL of routing decisions as staff read them (session bound to the tenant)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from routing.models import Decision


async def decision_for(session: AsyncSession, report_id: UUID) -> Decision | None:
    decision: Decision | None = await session.scalar(
        select(Decision).where(Decision.report_id == report_id)
    )
    return decision
