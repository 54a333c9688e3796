"""Validity of a geometry, checked by PostGIS (`ST_IsValidDetail`): the reason and the place."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from routing.errors import InvalidGeometry
from routing.geo.repository import validity


async def check_valid(session: AsyncSession, multipolygon: dict[str, Any]) -> None:
    """InvalidGeometry (self-intersection, ring crossing, ...) with its location, else None."""
    row = await validity(session, json.dumps(multipolygon))
    if row.valid:
        return
    lon = "?" if row.lon is None else f"{row.lon:.6f}"
    lat = "?" if row.lat is None else f"{row.lat:.6f}"
    raise InvalidGeometry(
        reason=row.reason, lon=lon, lat=lat, extra={"location": {"lon": row.lon, "lat": row.lat}}
    )
