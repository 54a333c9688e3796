"""Case numbers: `<PREFIX>-<YYYY>-<6 digits>`, per municipality and year, gapless.

The counter row of (tenant, year) is created or advanced by one upsert, which holds its row
lock until the transaction ends: concurrent creations (any replica) queue on that row, and a
rolled-back creation gives its numbers back. The cases of a batch take their numbers together
in that one upsert, in the order of the batch.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases.creation import repository

DIGITS = 6


def format_number(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year:04d}-{value:0{DIGITS}d}"


async def take_numbers(
    session: AsyncSession, tenant_id: str, prefix: str, year: int, count: int
) -> list[str]:
    """The next `count` numbers (at least one), in order, in one statement whatever `count`:
    a batch of decisions takes its numbers at once."""
    if count < 1:
        raise ValueError(f"take at least one number, not {count}")
    last = await repository.take_counter_values(session, tenant_id, year, count)
    return [format_number(prefix, year, value) for value in range(last - count + 1, last + 1)]
