"""Hosted municipalities and their boundaries (operator only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from guichet_kit.auth import NisPath
from routing.access import BoundariesWriter, MunicipalitiesWriter
from routing.boundaries.schemas import MunicipalityBody, MunicipalityImported
from routing.boundaries.service import area_km2, import_boundary, put_municipality

router = APIRouter(prefix="/v1/municipalities/{nis}", tags=["municipalities"])

LARGE_GEOJSON = 16 * 1024 * 1024
INVALID: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid geometry, wrong coordinates, overlap, or invalid fields"}
}


@router.put(
    "",
    summary="Host a municipality, or update its names, languages, case prefix and boundary",
    responses=INVALID,
    max_body_size=LARGE_GEOJSON,
)
async def put_municipality_endpoint(
    nis: NisPath, body: MunicipalityBody, session: MunicipalitiesWriter
) -> MunicipalityImported:
    changed = await put_municipality(session, nis, body)
    return MunicipalityImported(
        nis=nis, area_km2=round(await area_km2(session, nis), 3), changed=changed
    )


@router.put(
    "/boundary",
    summary="Replace a municipality's boundary (GeoJSON Polygon, MultiPolygon, Feature or "
    "FeatureCollection, WGS84)",
    responses=INVALID,
    max_body_size=LARGE_GEOJSON,
)
async def put_boundary(
    nis: NisPath,
    session: BoundariesWriter,
    document: Annotated[dict[str, Any], Body(description="GeoJSON")],
) -> MunicipalityImported:
    area = await import_boundary(session, nis, document)
    return MunicipalityImported(nis=nis, area_km2=round(area, 3))
