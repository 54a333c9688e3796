"""`GET /v1/municipalities/{nis}/cases`: the cases a staff member may see, filtered, searched,
sorted and paged, as JSON or GeoJSON."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from cases.access import CasesReader
from cases.listing import views
from cases.listing.filters import Filters, Sort, checked_moment
from cases.listing.repository import page
from cases.listing.schemas import CasePage
from guichet_contracts.values import CaseStatus, Priority

GEOJSON = "application/geo+json"

router = APIRouter(prefix="/v1/municipalities/{nis}/cases", tags=["cases"])


@router.get(
    "",
    response_model=CasePage,
    responses={200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}},
)
async def list_cases(
    ctx: CasesReader,
    request: Request,
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    department: Annotated[str | None, Query(max_length=63)] = None,
    category: Annotated[str | None, Query(max_length=63)] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    overdue: bool | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
    polygon: Annotated[
        str | None, Query(max_length=100_000, description="GeoJSON Polygon/MultiPolygon")
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="words to find (prefixes; accents and case ignored)"),
    ] = None,
    sort: Sort = Sort.CREATED_DESC,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CasePage | JSONResponse:
    filters = Filters(
        statuses=status or (),
        department=department,
        category=category,
        priorities=priority or (),
        overdue=overdue,
        created_from=checked_moment("created_from", created_from),
        created_to=checked_moment("created_to", created_to),
        bbox=bbox,
        polygon=polygon,
        text=q,
    )
    rows, total = await page(
        ctx.session, ctx.principal, filters, sort=sort, page_number=page_number, limit=limit
    )
    if GEOJSON in request.headers.get("accept", ""):
        body = views.feature_collection(rows, page=page_number, limit=limit, total=total)
        return JSONResponse(body, media_type=GEOJSON)
    return views.case_page(rows, page=page_number, limit=limit, total=total)
