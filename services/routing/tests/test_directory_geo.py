"""`find_municipality_at`: which hosted municipality covers a WGS84 point."""

from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import Point, shape
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from routing.demo import Municipality as DemoMunicipality
from routing.demo import load_boundary, load_demo_directory
from routing.directory.repository import find_municipality_at
from routing.directory.seed import SeedReport
from routing.models import Municipality

TOWNS = load_demo_directory().municipalities
BRAINE, SOIGNIES = "55004", "55040"


async def covering(session: AsyncSession, lon: float, lat: float) -> list[str]:
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    statement = select(Municipality.nis).where(func.ST_Covers(Municipality.boundary, point))
    return sorted(await session.scalars(statement))


@pytest.mark.parametrize("town", TOWNS, ids=lambda t: t.nis)
async def test_town_centre_resolves_to_its_town(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession], town: DemoMunicipality
) -> None:
    async with app_sessions() as session, session.begin():
        assert await find_municipality_at(session, town.centre.lon, town.centre.lat) == town.nis


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        pytest.param(2.5, 51.5, id="north-sea"),
        pytest.param(4.3517, 50.8466, id="brussels-not-hosted"),
        pytest.param(7.0, 50.9, id="germany"),
    ],
)
async def test_point_outside_every_hosted_town_is_none(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession], lon: float, lat: float
) -> None:
    async with app_sessions() as session, session.begin():
        assert await find_municipality_at(session, lon, lat) is None


async def test_points_near_the_soignies_braine_border_resolve_to_one_town(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A grid within ~100 m of the shared border: each point lies in exactly one of the two
    towns (or in neither, near the border's ends), as shapely computes independently."""
    braine = shape(load_boundary(BRAINE)["geometry"])
    soignies = shape(load_boundary(SOIGNIES)["geometry"])
    border = braine.boundary.intersection(soignies.boundary)
    assert border.length > 0.05  # they do share a border (degrees)
    near = border.buffer(0.001)
    min_lon, min_lat, max_lon, max_lat = near.bounds
    steps = 40
    points = [
        (min_lon + (max_lon - min_lon) * i / steps, min_lat + (max_lat - min_lat) * j / steps)
        for i in range(steps + 1)
        for j in range(steps + 1)
    ]
    points = [p for p in points if near.contains(Point(p)) and border.distance(Point(p)) > 1e-6]
    towns = ((BRAINE, braine), (SOIGNIES, soignies))
    resolved: dict[str | None, int] = {}
    async with app_sessions() as session, session.begin():
        for lon, lat in points:
            point = Point(lon, lat)
            expected = [nis for nis, town in towns if town.covers(point)]
            assert len(expected) <= 1
            found = await find_municipality_at(session, lon, lat)
            assert await covering(session, lon, lat) == expected
            assert found == (expected[0] if expected else None)
            resolved[found] = resolved.get(found, 0) + 1
    assert resolved.get(BRAINE, 0) > 20
    assert resolved.get(SOIGNIES, 0) > 20


async def test_point_on_the_shared_border_resolves_to_the_lower_nis(
    seeded: SeedReport, app_sessions: async_sessionmaker[AsyncSession]
) -> None:
    braine = shape(load_boundary(BRAINE)["geometry"])
    soignies = shape(load_boundary(SOIGNIES)["geometry"])
    braine_vertices = {(x, y) for x, y in shapely.get_coordinates(braine.exterior).tolist()}
    soignies_vertices = {(x, y) for x, y in shapely.get_coordinates(soignies.exterior).tolist()}
    vertex = min(braine_vertices & soignies_vertices)
    async with app_sessions() as session, session.begin():
        assert await covering(session, *vertex) == [BRAINE, SOIGNIES]
        assert await find_municipality_at(session, *vertex) == BRAINE


@pytest.mark.parametrize(
    ("lon", "lat"), [(math.nan, 50.0), (4.0, math.inf), (181.0, 50.0), (4.0, -91.0)]
)
async def test_invalid_position_is_refused(
    app_sessions: async_sessionmaker[AsyncSession], lon: float, lat: float
) -> None:
    async with app_sessions() as session:
        with pytest.raises(ValueError, match="not a WGS84 position"):
            await find_municipality_at(session, lon, lat)
