"""A page of the case list as JSON or as GeoJSON."""

from __future__ import annotations

from typing import Any

from cases.listing.repository import Row
from cases.listing.schemas import CasePage
from cases.workflow.views import summary


def case_page(rows: list[Row], *, page: int, limit: int, total: int) -> CasePage:
    items = [summary(row.case, row.lon, row.lat) for row in rows]
    return CasePage(items=items, page=page, limit=limit, total=total)


def feature(row: Row) -> dict[str, Any]:
    properties = summary(row.case, row.lon, row.lat).model_dump(mode="json", exclude={"location"})
    return {
        "type": "Feature",
        "id": row.case.number,
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": properties,
    }


def feature_collection(rows: list[Row], *, page: int, limit: int, total: int) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [feature(row) for row in rows],
        "page": page,
        "limit": limit,
        "total": total,
    }
