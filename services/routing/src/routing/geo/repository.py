"""SQL of geometry checks: PostGIS's `ST_IsValidDetail`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_VALIDITY = text(
    "SELECT d.valid, d.reason, ST_X(d.location) AS lon, ST_Y(d.location) AS lat "
    "FROM ST_IsValidDetail(ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326)) AS d"
)


@dataclass(frozen=True)
class Validity:
    valid: bool
    reason: str | None
    lon: float | None
    lat: float | None


async def validity(session: AsyncSession, geojson: str) -> Validity:
    row = (await session.execute(_VALIDITY, {"geojson": geojson})).one()
    return Validity(row.valid, row.reason, row.lon, row.lat)
