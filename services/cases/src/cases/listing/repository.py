"""The case list: filters, visibility, sort and pages, as one query (and its count)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock
from cases.listing.filters import Filters, Sort, parse_bbox, parse_polygon
from cases.listing.search import prefix_query
from cases.models.case import Case
from cases.visibility import visible_levels
from cases.workflow.table import CLOSED_STATUSES
from guichet_kit.auth import Principal


@dataclass(frozen=True)
class Row:
    case: Case
    lon: float
    lat: float


def matches(vector: ColumnElement[str | None], text: str) -> ColumnElement[bool] | None:
    query = prefix_query(text)
    if query is None:
        return None
    tsquery = func.to_tsquery("simple", func.cases.search_fold(query))
    return vector.op("@@")(tsquery)


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
