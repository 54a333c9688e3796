"""SQL of report intake: idempotency records, locators, reports and photos."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection, insert_row
from intake.models import Photo, Report, ReportLocator


@dataclass(frozen=True)
class StoredResponse:
    request_hash: bytes
    tenant_id: str
    report_id: UUID
    status_code: int
    response: dict[str, Any]


# The hot path of every report goes through the driver (guichet_kit.db.driver).
_FIND_IDEMPOTENCY = (
    "SELECT request_hash, tenant_id, report_id, status_code, response::text AS response "
    "FROM intake.idempotency_record WHERE scope = $1 AND key = $2"
)
_CLAIM_IDEMPOTENCY = (
    "INSERT INTO intake.idempotency_record "
    "(scope, key, request_hash, tenant_id, report_id, status_code, response) "
    "VALUES ($1, $2, $3, $4, $5, $6, ($7::text)::jsonb) "
    "ON CONFLICT (scope, key) DO NOTHING RETURNING key"
)


async def find_idempotency(session: AsyncSession, scope: str, key: str) -> StoredResponse | None:
    connection = await driver_connection(session)
    row = await connection.fetchrow(_FIND_IDEMPOTENCY, scope, key)
    if row is None:
        return None
    return StoredResponse(
        bytes(row["request_hash"]),
        row["tenant_id"],
        row["report_id"],
        row["status_code"],
        json.loads(row["response"]),
    )


async def claim_idempotency(
    session: AsyncSession, scope: str, key: str, stored: StoredResponse
) -> bool:
    """Record the key; False when another transaction already did (this one then waits for
    that one to finish, so the caller can read its outcome afterwards)."""
    connection = await driver_connection(session)
    claimed = await connection.fetchval(
        _CLAIM_IDEMPOTENCY,
        scope,
        key,
        stored.request_hash,
        stored.tenant_id,
        stored.report_id,
        stored.status_code,
        json.dumps(stored.response),
    )
    return claimed is not None


async def add_locator(
    session: AsyncSession, tracking_number: str, tenant_id: str, report_id: UUID, token_hash: bytes
) -> None:
    values = {
        "tracking_number": tracking_number,
        "tenant_id": tenant_id,
        "report_id": report_id,
        "token_hash": token_hash,
    }
    await insert_row(session, ReportLocator.__table__, values)


async def find_locator(session: AsyncSession, tracking_number: str) -> ReportLocator | None:
    return (
        await session.execute(
            select(ReportLocator).where(ReportLocator.tracking_number == tracking_number)
        )
    ).scalar_one_or_none()


async def add_report(session: AsyncSession, values: dict[str, Any], lat: float, lon: float) -> None:
    await insert_row(
        session,
        Report.__table__,
        {**values, "lat": lat, "lon": lon},
        {"location": "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"},
    )


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
