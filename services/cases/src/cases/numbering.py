"""Case numbers: `<PREFIX>-<YYYY>-<6 digits>`, per municipality and year, gapless.

The counter row of (tenant, year) is created or incremented by one upsert, which holds its
row lock until the transaction ends: concurrent creations (any replica) queue on that row,
and a rolled-back creation gives its number back.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection

DIGITS = 6


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year:04d}-{value:0{DIGITS}d}"


_NEXT_VALUE = (
    "INSERT INTO cases.case_counter AS counter (tenant_id, year, last_value) VALUES ($1, $2, 1) "
    "ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = counter.last_value + 1 "
    "RETURNING last_value"
)


async def next_value(session: AsyncSession, tenant_id: str, year: int) -> int:
    """Once per case: through the driver (guichet_kit.db.driver)."""
    connection = await driver_connection(session)
    value: int = await connection.fetchval(_NEXT_VALUE, tenant_id, year)
    return value


async def next_number(session: AsyncSession, tenant_id: str, prefix: str, year: int) -> str:
    return format_number(prefix, year, await next_value(session, tenant_id, year))
