"""SQL of the open-case projection (session bound to the tenant)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from geoalchemy2 import Geography
from sqlalchemy import ColumnElement, ScalarSelect, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection
from routing.models import OpenCase
from routing.models.open_case import OPEN_STATUSES

_ADD_CASE = (
    "INSERT INTO routing.open_case (tenant_id, case_id, category_code, location, status, "
    "created_at) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $6, $7) "
    "ON CONFLICT (case_id) DO NOTHING"
)


def _point(lon: float, lat: float) -> object:
    return cast(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326), Geography(srid=4326))


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


def nearest_open_case(
    *,
    category_code: str,
    lon: float,
    lat: float,
    radius_m: ColumnElement[int],
    since: datetime,
) -> ScalarSelect[UUID]:
    """The closest open case of that category within `radius_m` metres created since `since`
    (a subquery: the radius is the category's own column)."""
    point = _point(lon, lat)
    return (
        select(OpenCase.case_id)
        .where(
            OpenCase.category_code == category_code,
            OpenCase.status.in_(OPEN_STATUSES),
            OpenCase.created_at >= since,
            func.ST_DWithin(OpenCase.location, point, radius_m),
        )
        .order_by(func.ST_Distance(OpenCase.location, point), OpenCase.created_at)
        .limit(1)
        .scalar_subquery()
    )
