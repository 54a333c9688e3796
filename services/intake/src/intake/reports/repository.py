"""SQL of report intake: idempotency records, locators, reports and photos."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.models import IdempotencyRecord, Photo, Report, ReportLocator


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    tenant_id: str
    report_id: UUID
    status_code: int
    response: dict[str, Any]


async def find_idempotency(session: AsyncSession, scope: str, key: str) -> StoredResponse | None:
    row = (
        await session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
            )
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    return StoredResponse(
        row.request_hash, row.tenant_id, row.report_id, row.status_code, dict(row.response)
    )


async def claim_idempotency(
    session: AsyncSession, scope: str, key: str, stored: StoredResponse
) -> bool:
    """Record the key; False when another transaction already did (this one then waits for
    that one to finish, so the caller can read its outcome afterwards)."""
    statement = (
        pg_insert(IdempotencyRecord)
        .values(
            scope=scope,
            key=key,
            request_hash=stored.request_hash,
            tenant_id=stored.tenant_id,
            report_id=stored.report_id,
            status_code=stored.status_code,
            response=stored.response,
        )
        .on_conflict_do_nothing(index_elements=[IdempotencyRecord.scope, IdempotencyRecord.key])
        .returning(IdempotencyRecord.key)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None


async def add_locator(
    session: AsyncSession, tracking_number: str, tenant_id: str, report_id: UUID, token_hash: bytes
) -> None:
    await session.execute(
        insert(ReportLocator).values(
            tracking_number=tracking_number,
            tenant_id=tenant_id,
            report_id=report_id,
            token_hash=token_hash,
        )
    )


async def find_locator(session: AsyncSession, tracking_number: str) -> ReportLocator | None:
    return (
        await session.execute(
            select(ReportLocator).where(ReportLocator.tracking_number == tracking_number)
        )
    ).scalar_one_or_none()


async def add_report(session: AsyncSession, values: dict[str, Any], lat: float, lon: float) -> None:
    location = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    await session.execute(insert(Report).values(**values, location=location))


async def add_photos(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(Photo), list(rows))


async def get_report(session: AsyncSession, report_id: UUID) -> tuple[Report, float, float] | None:
    """The report with its point as (lat, lon); session bound to the report's tenant."""
    row = (
        await session.execute(
            select(Report, func.ST_Y(Report.location), func.ST_X(Report.location)).where(
                Report.id == report_id
            )
        )
    ).first()
    if row is None:
        return None
    return row[0], float(row[1]), float(row[2])


async def get_photos(session: AsyncSession, report_id: UUID) -> list[Photo]:
    result = await session.execute(
        select(Photo).where(Photo.report_id == report_id).order_by(Photo.position)
    )
    return list(result.scalars())
