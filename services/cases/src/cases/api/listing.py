"""The case list: filters, visibility, sort and pages, as one query."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock
from cases.errors import InvalidArea
from cases.models.case import Case
from cases.search import matches
from cases.visibility import visible_levels
from cases.workflow.table import CLOSED_STATUSES
from guichet_contracts.values import CaseStatus, Priority
from guichet_kit.auth import Principal

MAX_POLYGON_POSITIONS = 2000


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


@dataclass(frozen=True)
class Row:
    case: Case
    lon: float
    lat: float


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
        geometry = json.loads(raw)
    except json.JSONDecodeError:
        raise InvalidArea(reason="polygon is not JSON") from None
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise InvalidArea(reason="polygon must be a GeoJSON Polygon or MultiPolygon")
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise InvalidArea(reason="polygon has no coordinates")
    if sum(_positions(rings) for rings in polygons) > MAX_POLYGON_POSITIONS:
        raise InvalidArea(reason=f"at most {MAX_POLYGON_POSITIONS} positions")
    return json.dumps({"type": geometry["type"], "coordinates": coordinates})


def overdue_clause() -> ColumnElement[bool]:
    closed = [status.value for status in CLOSED_STATUSES]
    return and_(Case.due_at < clock.now(), Case.status.not_in(closed))


def conditions(principal: Principal, filters: Filters) -> list[ColumnElement[bool]]:
    levels = [level.value for level in visible_levels(principal)]
    where: list[ColumnElement[bool]] = [Case.confidentiality.in_(levels)]
    if filters.statuses:
        where.append(Case.status.in_([s.value for s in filters.statuses]))
    if filters.priorities:
        where.append(Case.priority.in_([p.value for p in filters.priorities]))
    if filters.department:
        where.append(Case.departments.contains([filters.department]))
    if filters.category:
        where.append(Case.category_code == filters.category)
    if filters.overdue is not None:
        clause = overdue_clause()
        where.append(clause if filters.overdue else ~clause)
    if filters.created_from:
        where.append(Case.created_at >= filters.created_from)
    if filters.created_to:
        where.append(Case.created_at < filters.created_to)
    if filters.bbox:
        envelope = func.ST_MakeEnvelope(*parse_bbox(filters.bbox), 4326)
        where.append(Case.location.op("&&")(envelope))
    if filters.polygon:
        area = func.ST_SetSRID(func.ST_GeomFromGeoJSON(parse_polygon(filters.polygon)), 4326)
        where.append(func.ST_Intersects(Case.location, area))
    if filters.text:
        found = matches(Case.search_vector.expression, filters.text)
        if found is not None:
            where.append(found)
    return where


def _order(sort: Sort) -> list[Any]:
    column = {
        Sort.CREATED: Case.created_at,
        Sort.CREATED_DESC: Case.created_at,
        Sort.DUE: Case.due_at,
        Sort.DUE_DESC: Case.due_at,
        Sort.NUMBER: Case.number,
        Sort.NUMBER_DESC: Case.number,
    }[sort]
    if sort.value.startswith("-"):
        return [column.desc(), Case.id.desc()]
    return [column.asc(), Case.id.asc()]


async def page(
    session: AsyncSession,
    principal: Principal,
    filters: Filters,
    *,
    sort: Sort,
    page_number: int,
    limit: int,
) -> tuple[list[Row], int]:
    where = conditions(principal, filters)
    total = await session.execute(select(func.count()).select_from(Case).where(*where))
    statement = (
        select(Case, func.ST_X(Case.location), func.ST_Y(Case.location))
        .where(*where)
        .order_by(*_order(sort))
        .limit(limit)
        .offset((page_number - 1) * limit)
    )
    result = await session.execute(statement)
    rows = [Row(case=row[0], lon=float(row[1]), lat=float(row[2])) for row in result.all()]
    return rows, int(total.scalar_one())


def is_overdue(case: Case) -> bool:
    return case.due_at < clock.now() and CaseStatus(case.status) not in CLOSED_STATUSES
