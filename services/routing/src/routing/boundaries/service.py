"""Checks and storage of a new boundary.

In order: GeoJSON shape, WGS84 coordinates in Belgium, validity (PostGIS tells why and where),
then overlap with every other hosted municipality. Neighbouring boundaries from different
sources never match exactly: along a 10 km border a 5 m disagreement is already 5 ha. So the
overlap allowed with each neighbour is the larger of `MIN_TOLERANCE_M2` and
`RELATIVE_TOLERANCE` of the new boundary's area (0.1 %: 11 ha for a 110 km² town) - slivers
pass, a shifted or wrong boundary (a whole district of the neighbour) does not.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.auth import MunicipalityNotFound
from routing.boundaries import repository
from routing.boundaries.schemas import MunicipalityBody
from routing.demo import official_languages
from routing.directory.publication import publish_directory
from routing.directory.repository import MunicipalityRow, upsert_municipality
from routing.errors import BoundaryOverlap
from routing.geo.geojson import to_multipolygon
from routing.geo.validity import check_valid
from routing.problems import FieldProblems

MIN_TOLERANCE_M2 = 20_000.0
RELATIVE_TOLERANCE = 0.001


async def checked_boundary(session: AsyncSession, nis: str, document: Any) -> str:
    """The boundary as a GeoJSON MultiPolygon string, once every check passed."""
    multipolygon = to_multipolygon(document)
    await check_valid(session, multipolygon)
    geojson = json.dumps(multipolygon)
    await _refuse_overlaps(session, nis, geojson)
    return geojson


async def import_boundary(session: AsyncSession, nis: str, document: Any) -> float:
    """Replace the boundary of `nis` (session bound to nis) and publish a new snapshot.
    Returns the area in km²."""
    geojson = await checked_boundary(session, nis, document)
    if not await repository.replace_boundary(session, nis, geojson):
        raise MunicipalityNotFound(nis=nis)
    await publish_directory(session, nis)
    return await area_km2(session, nis)


async def area_km2(session: AsyncSession, nis: str) -> float:
    return await repository.area_m2(session, nis) / 1e6


async def _refuse_overlaps(session: AsyncSession, nis: str, geojson: str) -> None:
    for row in await repository.overlaps(session, nis, geojson):
        tolerance = max(MIN_TOLERANCE_M2, RELATIVE_TOLERANCE * row.own_m2)
        if row.area_m2 > tolerance:
            raise BoundaryOverlap(
                town=_name(row.name_fr, row.name_nl),
                nis=row.nis,
                area_m2=f"{row.area_m2:,.0f}",
                tolerance_m2=f"{tolerance:,.0f}",
                extra={"overlaps": {"nis": row.nis, "area_m2": round(row.area_m2)}},
            )


def _name(fr: str, nl: str) -> str:
    return fr if fr == nl else f"{fr} / {nl}"


async def put_municipality(session: AsyncSession, nis: str, body: MunicipalityBody) -> bool:
    """Create or update a hosted municipality (session bound to nis); True when something
    changed (a snapshot was then published)."""
    problems = FieldProblems()
    official = _official_languages(nis, problems)
    if official is not None and (
        sorted(set(body.languages)) != official or len(set(body.languages)) != len(body.languages)
    ):
        problems.add(
            "languages",
            "routing.problem.official_languages",
            nis=nis,
            languages=", ".join(official),
        )
    holder = await repository.prefix_holder(session, body.case_prefix, other_than=nis)
    if holder is not None:
        problems.add(
            "case_prefix", "routing.problem.prefix_taken", nis=holder, prefix=body.case_prefix
        )
    problems.raise_if_any()
    geojson = await checked_boundary(session, nis, body.boundary)
    row = MunicipalityRow(
        nis=nis,
        names=body.names.model_dump(),
        languages=list(body.languages),
        case_prefix=body.case_prefix,
        boundary_geojson=geojson,
    )
    if not await upsert_municipality(session, row):
        return False
    await publish_directory(session, nis)
    return True


def _official_languages(nis: str, problems: FieldProblems) -> list[str] | None:
    """The official languages of `nis`; None, and a problem, for five digits that begin
    with no province's code (nor Brussels'): no municipality has them."""
    try:
        return sorted(official_languages(nis))
    except ValueError:
        problems.add("nis", "routing.problem.not_a_municipality", nis=nis)
        return None
