"""Staff endpoints of a municipality's cases."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from cases.access import ReaderDep, StaffContext, WriterDep
from cases.actors import staff_actor
from cases.api import views
from cases.api.listing import Filters, Sort, page
from cases.api.schemas import (
    AssignmentIn,
    CaseDetail,
    CasePage,
    NoteIn,
    NoteOut,
    TransitionIn,
)
from cases.canned import repository as canned_responses
from cases.errors import CannedResponseUnknown, CaseNotFound
from cases.models.case import Case
from cases.store import cases as store
from cases.visibility import can_see
from cases.workflow import service as workflow
from guichet_contracts.values import CaseStatus, Priority

GEOJSON = "application/geo+json"

router = APIRouter(prefix="/v1/municipalities/{nis}/cases", tags=["cases"])

NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such case, or not visible to the caller"}
}


def _visible(ctx: StaffContext, case: Case | None, number: str) -> Case:
    """The case, or 404 when it doesn't exist *or* the caller may not see it."""
    if case is None or not can_see(ctx.principal, case):
        raise CaseNotFound(number=number)
    return case


async def _public_message(ctx: StaffContext, case: Case, body: TransitionIn) -> str | None:
    if body.public_message is not None or body.canned_response is None:
        return body.public_message
    canned = await canned_responses.find(ctx.session, body.canned_response, case.reporter_language)
    if canned is None:
        raise CannedResponseUnknown(code=body.canned_response, language=case.reporter_language)
    return canned.body


@router.get(
    "",
    response_model=CasePage,
    responses={200: {"content": {GEOJSON: {"schema": {"type": "object"}}}}},
)
async def list_cases(
    ctx: ReaderDep,
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
        created_from=created_from,
        created_to=created_to,
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
    items = [views.summary(row) for row in rows]
    return CasePage(items=items, page=page_number, limit=limit, total=total)


@router.get("/{case_number}", responses=NOT_FOUND)
async def get_case(ctx: ReaderDep, case_number: str) -> CaseDetail:
    case = _visible(ctx, await store.by_number(ctx.session, case_number), case_number)
    return await views.detail(ctx.session, case)


@router.post("/{case_number}/transitions", responses=NOT_FOUND)
async def transition_case(ctx: WriterDep, case_number: str, body: TransitionIn) -> CaseDetail:
    if body.to != CaseStatus.DUPLICATE or body.duplicate_of is None:
        case = _visible(
            ctx, await store.by_number(ctx.session, case_number, lock=True), case_number
        )
        target = None
    else:
        locked = await store.lock_numbers(ctx.session, [case_number, body.duplicate_of])
        case = _visible(ctx, locked.get(case_number), case_number)
        target = _visible(ctx, locked.get(body.duplicate_of), body.duplicate_of)
    request = workflow.TransitionRequest(
        to=body.to,
        public_message=await _public_message(ctx, case, body),
        reason=body.reason,
        planned_for=body.planned_for,
    )
    await workflow.transition(
        ctx.session, case, request, staff_actor(ctx.principal), duplicate_of=target
    )
    return await views.detail(ctx.session, case)


@router.post("/{case_number}/assignment", responses=NOT_FOUND)
async def assign_case(ctx: WriterDep, case_number: str, body: AssignmentIn) -> CaseDetail:
    case = _visible(ctx, await store.by_number(ctx.session, case_number, lock=True), case_number)
    assignment = workflow.Assignment(
        department=body.department,
        team=body.team,
        assignee_subject=body.assignee,
        assignee_name=body.assignee_name,
    )
    await workflow.assign(ctx.session, case, assignment, staff_actor(ctx.principal))
    return await views.detail(ctx.session, case)


@router.post("/{case_number}/notes", status_code=201, responses=NOT_FOUND)
async def add_note(ctx: WriterDep, case_number: str, body: NoteIn) -> NoteOut:
    case = _visible(ctx, await store.by_number(ctx.session, case_number, lock=True), case_number)
    note = await workflow.add_note(
        ctx.session, case, body.text, body.visibility, staff_actor(ctx.principal)
    )
    return views.note_out(note, [])
