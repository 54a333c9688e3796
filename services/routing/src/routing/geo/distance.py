"""Distances between WGS84 points, on a sphere."""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from guichet_contracts.values import GeoPoint

MEAN_EARTH_RADIUS_M = 6_371_008.8


def metres_apart(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle distance (haversine). Within 0.5 % of the distance on the spheroid
    PostGIS measures for geography."""
    lat_a, lat_b = radians(a.lat), radians(b.lat)
    half_chord = (
        sin((lat_b - lat_a) / 2) ** 2
        + cos(lat_a) * cos(lat_b) * sin(radians(b.lon - a.lon) / 2) ** 2
    )
    return 2 * MEAN_EARTH_RADIUS_M * asin(sqrt(half_chord))
