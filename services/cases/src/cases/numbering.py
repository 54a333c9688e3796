"""Case numbers: `<PREFIX>-<YYYY>-<6 digits>`, per municipality and year, gapless.

The counter row of (tenant, year) is created or advanced by one upsert, which holds its row
lock until the transaction ends: concurrent creations (any replica) queue on that row, and a
rolled-back creation gives its numbers back. The cases of a batch take their numbers together
in that one upsert, in the order of the batch.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection

DIGITS = 6


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year:04d}-{value:0{DIGITS}d}"


# $3 numbers at once: the counter ends at the last one taken.
_TAKE_VALUES = (
    "INSERT INTO cases.case_counter AS counter (tenant_id, year, last_value) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id, year) DO UPDATE SET last_value = counter.last_value + $3 "
    "RETURNING last_value"
)


async def take_numbers(
    session: AsyncSession, tenant_id: str, prefix: str, year: int, count: int
) -> list[str]:
    """The next `count` numbers (at least one), in order, in one statement through the driver
    (guichet_kit.db.driver) whatever `count`: a batch of decisions takes its numbers at once."""
    if count < 1:
        raise ValueError(f"take at least one number, not {count}")
    connection = await driver_connection(session)
    last: int = await connection.fetchval(_TAKE_VALUES, tenant_id, year, count)
    return [format_number(prefix, year, value) for value in range(last - count + 1, last + 1)]
