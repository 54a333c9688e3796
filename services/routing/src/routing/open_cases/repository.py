"""SQL of the open-case projection (session bound to the tenant)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection
from routing.models import OpenCase

_ADD_CASE = (
    "INSERT INTO routing.open_case (tenant_id, case_id, category_code, location, status, "
    "created_at) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $6, $7) "
    "ON CONFLICT (case_id) DO NOTHING"
)


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
    connection = await driver_connection(session)  # once per case: the driver
    await connection.execute(
        _ADD_CASE, tenant_id, case_id, category_code, lon, lat, status, created_at
    )


async def set_status(session: AsyncSession, case_id: UUID, status: str) -> bool:
    """False when the case is unknown here (created before routing started listening)."""
    statement = (
        update(OpenCase)
        .where(OpenCase.case_id == case_id)
        .values(status=status)
        .returning(OpenCase.case_id)
    )
    return (await session.execute(statement)).first() is not None
