"""From user GeoJSON to one WGS84 MultiPolygon geometry, with errors that say what is wrong.

Accepted: a Polygon or MultiPolygon geometry, a Feature holding one, or a FeatureCollection of
such Features (their polygons are combined). Coordinates must be longitude, latitude in
WGS84 inside Belgium's bounding box; the checks recognise projected coordinates (Belgian
Lambert 72/2008) and swapped latitude/longitude and say so.
"""

from __future__ import annotations

import math
from typing import Any

from routing.errors import InvalidGeoJSON, WrongCoordinates

# Belgium with a margin: lon 2.54..6.41, lat 49.50..51.51.
BELGIUM_LON = (2.3, 6.6)
BELGIUM_LAT = (49.3, 51.7)
WGS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:4326",
    }
)

Polygon = list[list[list[float]]]


def to_multipolygon(document: Any) -> dict[str, Any]:
    """A GeoJSON MultiPolygon geometry, or InvalidGeoJSON / WrongCoordinates."""
    if not isinstance(document, dict):
        raise InvalidGeoJSON(reason="expected a JSON object")
    _check_crs(document)
    polygons = _polygons(document)
    if not polygons:
        raise InvalidGeoJSON(reason="no polygon found")
    for polygon in polygons:
        _check_polygon(polygon)
    return {"type": "MultiPolygon", "coordinates": polygons}


def _polygons(document: dict[str, Any]) -> list[Polygon]:
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise InvalidGeoJSON(reason="a FeatureCollection needs a non-empty 'features' list")
        return [p for f in features for p in _polygons(_feature(f))]
    if kind == "Feature":
        return _polygons(_feature(document))
    coordinates = document.get("coordinates")
    if kind == "Polygon":
        return [_polygon(coordinates)]
    if kind == "MultiPolygon":
        if not isinstance(coordinates, list):
            raise InvalidGeoJSON(reason="MultiPolygon coordinates must be a list of polygons")
        return [_polygon(p) for p in coordinates]
    raise InvalidGeoJSON(reason=f"type {kind!r} is not Polygon, MultiPolygon or a Feature of one")


def _feature(feature: Any) -> dict[str, Any]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InvalidGeoJSON(reason="a FeatureCollection may only hold Features")
    _check_crs(feature)
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise InvalidGeoJSON(reason="each Feature's geometry must be a Polygon or MultiPolygon")
    return geometry


def _polygon(coordinates: Any) -> Polygon:
    if not isinstance(coordinates, list) or not coordinates:
        raise InvalidGeoJSON(reason="a polygon is a non-empty list of linear rings")
    rings: Polygon = []
    for ring in coordinates:
        if not isinstance(ring, list) or len(ring) < 4:
            raise InvalidGeoJSON(reason="a linear ring needs at least 4 positions")
        rings.append([_position(p) for p in ring])
        if rings[-1][0] != rings[-1][-1]:
            first = rings[-1][0]
            raise InvalidGeoJSON(
                reason=f"ring starting at {first[0]}, {first[1]} is not closed "
                "(last position must repeat the first)"
            )
    return rings


def _position(position: Any) -> list[float]:
    if (
        not isinstance(position, list)
        or len(position) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        or not all(math.isfinite(v) for v in position[:2])
    ):
        raise InvalidGeoJSON(reason=f"position {position!r} is not [longitude, latitude]")
    return [float(position[0]), float(position[1])]


def _check_crs(document: dict[str, Any]) -> None:
    crs = document.get("crs")
    if crs is None:
        return
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if name not in WGS84_NAMES:
        raise WrongCoordinates(reason=f"crs {name!r} is not WGS84 (EPSG:4326 / CRS84)")


def _check_polygon(polygon: Polygon) -> None:
    for ring in polygon:
        for lon, lat in ring:
            _check_position(lon, lat)


def _check_position(lon: float, lat: float) -> None:
    if _inside(lon, lat):
        return
    if abs(lon) > 180 or abs(lat) > 90:
        raise WrongCoordinates(
            reason=f"{lon}, {lat} looks like projected metres (e.g. Belgian Lambert 72, "
            "EPSG:31370), not degrees"
        )
    if _inside(lat, lon):
        raise WrongCoordinates(
            reason=f"{lon}, {lat} looks like latitude, longitude: GeoJSON wants longitude first"
        )
    raise WrongCoordinates(reason=f"{lon}, {lat} is outside Belgium")


def _inside(lon: float, lat: float) -> bool:
    return BELGIUM_LON[0] <= lon <= BELGIUM_LON[1] and BELGIUM_LAT[0] <= lat <= BELGIUM_LAT[1]
