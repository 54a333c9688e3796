"""SQL of municipalities' boundaries (the `municipality` table is not tenant data)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from routing.models import Municipality

_OVERLAPS = text(
    "WITH new AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326) AS g) "
    "SELECT m.nis, m.names->>'fr' AS name_fr, m.names->>'nl' AS name_nl, "
    "ST_Area(ST_Intersection(m.boundary, new.g)::geography) AS area_m2, "
    "ST_Area(new.g::geography) AS own_m2 "
    "FROM routing.municipality m, new "
    "WHERE m.nis <> :nis AND ST_Intersects(m.boundary, new.g) "
    "ORDER BY area_m2 DESC"
)
_UPDATE = text(
    "UPDATE routing.municipality SET "
    "boundary = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geojson), 4326)), updated_at = now() "
    "WHERE nis = :nis RETURNING nis"
)
_AREA = text("SELECT ST_Area(boundary::geography) FROM routing.municipality WHERE nis = :nis")


@dataclass(frozen=True)
class Overlap:
    nis: str
    name_fr: str
    name_nl: str
    area_m2: float  # of the overlap
    own_m2: float  # of the new boundary


async def overlaps(session: AsyncSession, nis: str, geojson: str) -> list[Overlap]:
    """The other municipalities a boundary of `nis` intersects, largest overlap first."""
    rows = await session.execute(_OVERLAPS, {"geojson": geojson, "nis": nis})
    return [Overlap(*row) for row in rows]


async def replace_boundary(session: AsyncSession, nis: str, geojson: str) -> bool:
    """False when `nis` is not hosted."""
    updated = await session.execute(_UPDATE, {"geojson": geojson, "nis": nis})
    return updated.first() is not None


async def area_m2(session: AsyncSession, nis: str) -> float:
    area = await session.scalar(_AREA, {"nis": nis})
    return float(area or 0.0)


async def prefix_holder(session: AsyncSession, prefix: str, *, other_than: str) -> str | None:
    """The NIS code of the municipality other than `other_than` using case prefix `prefix`."""
    holder: str | None = await session.scalar(
        select(Municipality.nis).where(
            Municipality.case_prefix == prefix, Municipality.nis != other_than
        )
    )
    return holder
