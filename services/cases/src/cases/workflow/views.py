"""Case rows to response bodies: the summary (also the list's) and the detail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock
from cases.history import repository as history
from cases.models.case import Case
from cases.notes import repository as notes
from cases.notes.views import attachments_out, note_out
from cases.workflow import repository
from cases.workflow.schemas import CaseDetail, CaseSummary, HistoryOut, Point, SupporterOut
from cases.workflow.table import CLOSED_STATUSES
from guichet_contracts.values import CaseStatus

SUMMARY_FIELDS = [
    "id",
    "number",
    "tracking_number",
    "status",
    "priority",
    "confidentiality",
    "category_code",
    "subcategory_code",
    "lead_department",
    "departments",
    "team",
    "assignee_subject",
    "assignee_name",
    "description",
    "address",
    "supporters",
    "planned_for",
    "duplicate_of_case_id",
    "created_at",
    "updated_at",
    "due_at",
]
DETAIL_FIELDS = [
    "report_id",
    "channel",
    "photos",
    "answers",
    "reporter_language",
    "reporter_contactable",
    "routing_rule",
    "reported_at",
]


def _fields(case: Case, names: list[str]) -> dict[str, Any]:
    return {name: getattr(case, name) for name in names}


def is_overdue(case: Case) -> bool:
    return case.due_at < clock.now() and CaseStatus(case.status) not in CLOSED_STATUSES


def summary(case: Case, lon: float, lat: float) -> CaseSummary:
    return CaseSummary(
        **_fields(case, SUMMARY_FIELDS),
        location=Point(lat=lat, lon=lon),
        overdue=is_overdue(case),
    )


async def detail(session: AsyncSession, case: Case) -> CaseDetail:
    lon, lat = await repository.location(session, case.id)
    entries = await history.entries(session, case.id)
    case_notes = await notes.notes_of(session, case.id)
    supporters = await repository.supporters_of(session, case.id)
    files = attachments_out(await notes.of_case(session, case.id))
    return CaseDetail(
        **_fields(case, SUMMARY_FIELDS),
        **_fields(case, DETAIL_FIELDS),
        location=Point(lat=lat, lon=lon),
        overdue=is_overdue(case),
        history=[HistoryOut.model_validate(entry, from_attributes=True) for entry in entries],
        notes=[note_out(note, files) for note in case_notes],
        attachments=files,
        supporter_reports=[
            SupporterOut.model_validate(s, from_attributes=True) for s in supporters
        ],
    )
