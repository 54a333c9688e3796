"""Case numbers: `<PREFIX>-<YYYY>-<6 digits>`, per municipality and year, gapless.

The counter row of (tenant, year) is created or incremented by one upsert, which holds its
row lock until the transaction ends: concurrent creations (any replica) queue on that row,
and a rolled-back creation gives its number back.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_counter import CaseCounter

DIGITS = 6


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year:04d}-{value:0{DIGITS}d}"


async def next_value(session: AsyncSession, tenant_id: str, year: int) -> int:
    statement = (
        insert(CaseCounter)
        .values(tenant_id=tenant_id, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=["tenant_id", "year"],
            set_={"last_value": CaseCounter.last_value + 1},
        )
        .returning(CaseCounter.last_value)
    )
    return (await session.execute(statement)).scalar_one()


async def next_number(session: AsyncSession, tenant_id: str, prefix: str, year: int) -> str:
    return format_number(prefix, year, await next_value(session, tenant_id, year))
