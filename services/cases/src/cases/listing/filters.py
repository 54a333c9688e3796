"""The filters of the case list, parsed and checked before any SQL is built."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from cases.errors import InvalidArea, InvalidDate
from guichet_contracts.values import CaseStatus, Priority
from guichet_kit.json_input import JsonTooDeep, MalformedJson, load_json

MAX_POLYGON_POSITIONS = 2000
POLYGON_DEPTH = 5  # a MultiPolygon: the geometry, its polygons, rings, positions, numbers
MIN_MOMENT = "0001-01-01T00:00:00Z"  # what UTC (datetime, and the database) can hold
MAX_MOMENT = "9999-12-31T23:59:59Z"


class Sort(StrEnum):
    CREATED = "created_at"
    CREATED_DESC = "-created_at"
    DUE = "due_at"
    DUE_DESC = "-due_at"
    NUMBER = "number"
    NUMBER_DESC = "-number"


@dataclass(frozen=True)
class Filters:
    statuses: Sequence[CaseStatus] = ()
    department: str | None = None
    category: str | None = None
    priorities: Sequence[Priority] = ()
    overdue: bool | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    bbox: str | None = None
    polygon: str | None = None
    text: str | None = None


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """`minLon,minLat,maxLon,maxLat` in WGS84."""
    try:
        values = [float(part) for part in raw.split(",")]
    except ValueError:
        raise InvalidArea(reason="bbox = minLon,minLat,maxLon,maxLat") from None
    if len(values) != 4:
        raise InvalidArea(reason="bbox = minLon,minLat,maxLon,maxLat")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise InvalidArea(reason="bbox corners out of range or in the wrong order")
    return min_lon, min_lat, max_lon, max_lat


def _positions(rings: Any) -> int:
    if not isinstance(rings, list) or not rings:
        raise InvalidArea(reason="polygon rings must be non-empty lists")
    count = 0
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            raise InvalidArea(reason="a ring needs at least 4 positions and must be closed")
        for position in ring:
            if (
                not isinstance(position, list)
                or len(position) < 2
                or not all(isinstance(v, int | float) for v in position[:2])
            ):
                raise InvalidArea(reason="positions are [lon, lat] numbers")
        count += len(ring)
    return count


def parse_polygon(raw: str) -> str:
    """A GeoJSON Polygon or MultiPolygon geometry (WGS84), checked, re-serialised."""
    try:
        geometry = load_json(raw, max_depth=POLYGON_DEPTH)
    except MalformedJson:
        raise InvalidArea(reason="polygon is not JSON") from None
    except JsonTooDeep:
        raise InvalidArea(reason=f"polygon nests more than {POLYGON_DEPTH} levels") from None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidArea(reason="polygon must be a GeoJSON Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise InvalidArea(reason="polygon has no coordinates")
    if sum(_positions(rings) for rings in polygons) > MAX_POLYGON_POSITIONS:
        raise InvalidArea(reason=f"at most {MAX_POLYGON_POSITIONS} positions")
    return json.dumps({"type": geometry["type"], "coordinates": coordinates})


def checked_moment(name: str, moment: datetime | None) -> datetime | None:
    """`moment` in UTC; a date that UTC cannot hold (year 1 east of Greenwich, 9999 west of
    it) is refused, as the database could not compare it."""
    if moment is None:
        return None
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise InvalidDate(
            field=name,
            minimum=MIN_MOMENT,
            maximum=MAX_MOMENT,
            extra={"field": name, "minimum": MIN_MOMENT, "maximum": MAX_MOMENT},
        ) from None
