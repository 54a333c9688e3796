"""PUT /v1/municipalities/{nis}/boundary: valid imports, and clear refusals that change nothing."""

from __future__ import annotations

import copy
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from routing.demo import load_boundary

Auth = Callable[[str], Awaitable[dict[str, str]]]
SOIGNIES, BRAINE = "55040", "55004"
URL = f"/v1/municipalities/{SOIGNIES}/boundary"
BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[4.05, 50.55], [4.10, 50.60], [4.10, 50.55], [4.05, 50.60], [4.05, 50.55]]],
}


def shifted(feature: dict[str, Any], dlon: float, dlat: float) -> dict[str, Any]:
    moved = copy.deepcopy(feature)
    geometry = moved["geometry"]
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    for polygon in polygons:
        for ring in polygon:
            for position in ring:
                position[0] += dlon
                position[1] += dlat
    return moved


@pytest.fixture
async def client(fresh_routing: Any, run_routing: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with run_routing(fresh_routing.service) as client:
        yield client


async def stored_boundary(fresh_routing: Any) -> str:
    async with fresh_routing.admin_engine.connect() as connection:
        wkt: str = await connection.scalar(
            text("SELECT ST_AsText(boundary) FROM routing.municipality WHERE nis = :nis"),
            {"nis": SOIGNIES},
        )
    return wkt


async def test_operator_imports_a_feature_collection(
    client: httpx.AsyncClient, auth: Auth, fresh_routing: Any
) -> None:
    feature = load_boundary(SOIGNIES)
    collection = {"type": "FeatureCollection", "features": [feature]}

    response = await client.put(URL, json=collection, headers=await auth("operator"))

    assert response.status_code == 200, response.text
    assert response.json()["nis"] == SOIGNIES
    assert 5 < response.json()["area_km2"] < 200
    assert (await stored_boundary(fresh_routing)).startswith("MULTIPOLYGON")


@pytest.mark.parametrize(
    ("document", "code", "words"),
    [
        (BOWTIE, "routing.geometry_invalid",
         ["Self-intersection", "longitude 4.075000", "latitude 50.575000"]),
        ({"type": "Polygon", "coordinates": [[[120000, 130000], [121000, 130000], [121000, 131000],
          [120000, 130000]]]}, "routing.coordinates_invalid", ["Lambert 72"]),
        ({"type": "Polygon", "coordinates": [[[50.55, 4.05], [50.60, 4.05], [50.60, 4.10],
          [50.55, 4.05]]]}, "routing.coordinates_invalid", ["latitude, longitude"]),
        ({"type": "Polygon", "coordinates": [[[2.35, 48.85], [2.36, 48.85], [2.36, 48.86],
          [2.35, 48.85]]]}, "routing.coordinates_invalid", ["outside Belgium"]),
        ({**BOWTIE, "crs": {"type": "name", "properties": {"name": "EPSG:31370"}}},
         "routing.coordinates_invalid", ["EPSG:31370"]),
        ({"type": "Polygon", "coordinates": [[[4.05, 50.55], [4.10, 50.60], [4.10, 50.55],
          [4.06, 50.56]]]}, "routing.geojson_invalid", ["not closed"]),
        ({"type": "LineString", "coordinates": [[4.05, 50.55], [4.10, 50.60]]},
         "routing.geojson_invalid", ["'LineString'"]),
    ],
)  # fmt: skip
async def test_bad_boundaries_are_refused_with_the_reason(
    client: httpx.AsyncClient,
    auth: Auth,
    fresh_routing: Any,
    document: dict[str, Any],
    code: str,
    words: list[str],
) -> None:
    before = await stored_boundary(fresh_routing)

    response = await client.put(URL, json=document, headers=await auth("operator"))

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code
    for word in words:
        assert word in problem["detail"]
    assert await stored_boundary(fresh_routing) == before


async def test_overlap_with_a_neighbour_names_it_and_the_area(
    client: httpx.AsyncClient, auth: Auth, fresh_routing: Any
) -> None:
    before = await stored_boundary(fresh_routing)
    north = shifted(load_boundary(SOIGNIES), 0.0, 0.02)  # ~2.2 km into Braine-le-Comte

    response = await client.put(
        URL, json=north, headers={**await auth("operator"), "Accept-Language": "fr"}
    )

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "routing.boundary_overlap"
    assert "Braine-le-Comte" in problem["detail"]
    assert problem["overlaps"]["nis"] == BRAINE
    assert problem["overlaps"]["area_m2"] > 1_000_000  # km², not a sliver
    assert await stored_boundary(fresh_routing) == before


async def test_a_sliver_along_the_border_is_tolerated(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    nudged = shifted(load_boundary(SOIGNIES), 0.0, 0.00005)  # ~5 m: sources never agree exactly
    response = await client.put(URL, json=nudged, headers=await auth("operator"))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("username", ["admin.soignies", "staff.soignies"])
async def test_only_the_operator_imports_boundaries(
    client: httpx.AsyncClient, auth: Auth, username: str
) -> None:
    response = await client.put(URL, json=load_boundary(SOIGNIES), headers=await auth(username))
    assert response.status_code == 403


BASTOGNE = "82003"


def bastogne(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "names": {"fr": "Bastogne", "nl": "Bastenaken", "de": "Bastnach", "en": "Bastogne"},
        "languages": ["fr"],
        "case_prefix": "BAS",
        "boundary": {
            "type": "Polygon",
            "coordinates": [
                [[5.68, 49.98], [5.76, 49.98], [5.76, 50.04], [5.68, 50.04], [5.68, 49.98]]
            ],
        },
    }
    return {**body, **changes}


async def revision_of(fresh_routing: Any, nis: str) -> int | None:
    async with fresh_routing.admin_engine.connect() as connection:
        revision: int | None = await connection.scalar(
            text("SELECT revision FROM routing.directory_revision WHERE tenant_id = :nis"),
            {"nis": nis},
        )
    return revision


async def test_operator_hosts_a_new_municipality(
    client: httpx.AsyncClient, auth: Auth, fresh_routing: Any
) -> None:
    url = f"/v1/municipalities/{BASTOGNE}"
    operator = await auth("operator")

    created = await client.put(url, json=bastogne(), headers=operator)
    again = await client.put(url, json=bastogne(), headers=operator)

    assert created.status_code == 200, created.text
    assert created.json()["changed"] is True
    assert 30 < created.json()["area_km2"] < 50  # ~5.7 km x 6.7 km
    assert again.json()["changed"] is False
    assert await revision_of(fresh_routing, BASTOGNE) == 1  # published once


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"languages": ["nl"], "case_prefix": "BSN"}, "languages",
         "the official languages of 82009 are fr"),
        ({"case_prefix": "SOI"}, "case_prefix", "55040 uses SOI"),
    ],
)  # fmt: skip
async def test_municipality_fields_are_checked(
    client: httpx.AsyncClient, auth: Auth, changes: dict[str, Any], field: str, message: str
) -> None:
    response = await client.put(
        "/v1/municipalities/82009", json=bastogne(**changes), headers=await auth("operator")
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": field, "message": message}]


@pytest.mark.parametrize("nis", ["00000", "20001", "22001", "29001"])
async def test_a_code_that_is_no_municipality_s_is_refused_saying_so(
    client: httpx.AsyncClient, auth: Auth, nis: str
) -> None:
    """Five digits, but no province's (nor Brussels'): there are no official languages to
    check the body against, and nothing is hosted."""
    response = await client.put(
        f"/v1/municipalities/{nis}",
        json=bastogne(case_prefix="NON"),
        headers=await auth("operator"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {
            "field": "nis",
            "message": f"{nis} is not the NIS code of a Belgian municipality: "
            "it begins with a province's digits (1, 21, 23, 24, 25, 3 to 9)",
        }
    ]


async def test_municipality_problems_speak_the_operator_s_language(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = {**await auth("operator"), "Accept-Language": "nl"}
    response = await client.put(
        "/v1/municipalities/82009", json=bastogne(case_prefix="SOI"), headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": "case_prefix", "message": "55040 gebruikt SOI al"}
    ]


async def test_only_the_operator_hosts_municipalities(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """A town's administrator is refused hosting even their own town (403) and knows nothing
    of any other (404, as if it were not hosted)."""
    admin = await auth("admin.soignies")
    other = await client.put("/v1/municipalities/82009", json=bastogne(), headers=admin)
    assert other.status_code == 404, other.text
    assert other.json()["code"] == "municipality.not_found"
    own = await client.put("/v1/municipalities/55040", json=bastogne(), headers=admin)
    assert own.status_code == 403, own.text
    assert own.json()["code"] == "auth.role_required"


async def test_a_boundary_too_detailed_to_publish_is_refused(
    client: httpx.AsyncClient, auth: Auth, fresh_routing: Any
) -> None:
    """Published, the directory must fit in one NATS message: a boundary that would not is
    refused before anything is stored, with what to do about it."""
    before = await stored_boundary(fresh_routing)
    centre_lon, centre_lat, vertices = 4.07, 50.58, 60_000
    ring = [
        [
            round(centre_lon + 0.01 * math.cos(2 * math.pi * k / vertices), 7),
            round(centre_lat + 0.006 * math.sin(2 * math.pi * k / vertices), 7),
        ]
        for k in range(vertices)
    ]
    detailed = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}

    response = await client.put(URL, json=detailed, headers=await auth("operator"))

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "routing.directory_too_large"
    assert "simplify the boundary" in problem["detail"]
    assert await stored_boundary(fresh_routing) == before
    async with fresh_routing.admin_engine.connect() as connection:
        queued = await connection.scalar(text("SELECT count(*) FROM routing.outbox"))
    assert queued == 0
