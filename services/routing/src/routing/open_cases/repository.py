"""SQL of the open-case projection (session bound to the tenant): one driver statement per
case event (ADR 0013)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection

_ADD_CASE = (
    "INSERT INTO routing.open_case (tenant_id, case_id, category_code, location, status, "
    "created_at) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $6, $7) "
    "ON CONFLICT (case_id) DO NOTHING"
)
_SET_STATUS = "UPDATE routing.open_case SET status = $2 WHERE case_id = $1 RETURNING case_id"


async def add_case(
    session: AsyncSession,
    *,
    tenant_id: str,
    case_id: UUID,
    category_code: str,
    lon: float,
    lat: float,
    status: str,
    created_at: datetime,
) -> None:
    """Idempotent: a redelivered `case.created` changes nothing."""
    connection = await driver_connection(session)
    await connection.execute(
        _ADD_CASE, tenant_id, case_id, category_code, lon, lat, status, created_at
    )


async def set_status(session: AsyncSession, case_id: UUID, status: str) -> bool:
    """False when the case is unknown here (created before routing started listening)."""
    connection = await driver_connection(session)
    return await connection.fetchval(_SET_STATUS, case_id, status) is not None
