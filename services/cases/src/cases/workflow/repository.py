"""Reading, locking and merging cases (RLS already limits every statement to the bound tenant).
Locked reads refresh a row this session may have read before."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case import Case
from cases.models.case_supporter import CaseSupporter


async def by_id(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False) -> Case | None:
    """Always read again from the database (a merge may have committed since)."""
    statement = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if lock:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def by_number(session: AsyncSession, number: str, *, lock: bool = False) -> Case | None:
    statement = select(Case).where(Case.number == number)
    if lock:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(statement)).scalar_one_or_none()


async def lock_numbers(session: AsyncSession, numbers: Sequence[str]) -> dict[str, Case]:
    """Row-lock several cases in id order, so two transactions locking the same pair can't
    deadlock."""
    statement = (
        select(Case).where(Case.number.in_(list(numbers))).order_by(Case.id).with_for_update()
    )
    return {case.number: case for case in (await session.execute(statement)).scalars()}


async def location(session: AsyncSession, case_id: uuid.UUID) -> tuple[float, float]:
    """(lon, lat) of the case."""
    statement = select(func.ST_X(Case.location), func.ST_Y(Case.location)).where(Case.id == case_id)
    lon, lat = (await session.execute(statement)).one()
    return float(lon), float(lat)


async def supporters_of(session: AsyncSession, case_id: uuid.UUID) -> list[CaseSupporter]:
    statement = (
        select(CaseSupporter)
        .where(CaseSupporter.case_id == case_id)
        .order_by(CaseSupporter.supported_at, CaseSupporter.id)
    )
    return list((await session.execute(statement)).scalars())


async def move_supporters(session: AsyncSession, source: uuid.UUID, target: uuid.UUID) -> None:
    """`source` joins `target`: its supporters, and the cases merged into it earlier, now
    point at `target` directly, so a chain of merges is never more than one hop."""
    await session.execute(
        update(CaseSupporter).where(CaseSupporter.case_id == source).values(case_id=target)
    )
    await session.execute(
        update(Case).where(Case.duplicate_of_case_id == source).values(duplicate_of_case_id=target)
    )


async def add_supporter(session: AsyncSession, supporter: CaseSupporter) -> None:
    """Written with the pending changes of the merged cases."""
    session.add(supporter)
    await session.flush()
