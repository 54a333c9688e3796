"""Case rows to response bodies (JSON and GeoJSON)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from cases import history
from cases.api.listing import Row, is_overdue
from cases.api.schemas import (
    AttachmentOut,
    CaseDetail,
    CaseSummary,
    HistoryOut,
    NoteOut,
    Point,
    SupporterOut,
)
from cases.models.case import Case
from cases.models.case_note import CaseNote
from cases.store import attachments as attachment_store
from cases.store import cases as store

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


def summary(row: Row) -> CaseSummary:
    return CaseSummary(
        **_fields(row.case, SUMMARY_FIELDS),
        location=Point(lat=row.lat, lon=row.lon),
        overdue=is_overdue(row.case),
    )


def feature(row: Row) -> dict[str, Any]:
    properties = summary(row).model_dump(mode="json", exclude={"location"})
    return {
        "type": "Feature",
        "id": row.case.number,
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": properties,
    }


def feature_collection(rows: list[Row], *, page: int, limit: int, total: int) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [feature(row) for row in rows],
        "page": page,
        "limit": limit,
        "total": total,
    }


async def detail(session: AsyncSession, case: Case) -> CaseDetail:
    lon, lat = await store.location(session, case.id)
    entries = await history.entries(session, case.id)
    notes = await store.notes_of(session, case.id)
    supporters = await store.supporters_of(session, case.id)
    files = [
        AttachmentOut.model_validate(row, from_attributes=True)
        for row in await attachment_store.of_case(session, case.id)
    ]
    return CaseDetail(
        **_fields(case, SUMMARY_FIELDS),
        **_fields(case, DETAIL_FIELDS),
        location=Point(lat=lat, lon=lon),
        overdue=is_overdue(case),
        history=[HistoryOut.model_validate(entry, from_attributes=True) for entry in entries],
        notes=[note_out(note, files) for note in notes],
        attachments=files,
        supporter_reports=[
            SupporterOut.model_validate(s, from_attributes=True) for s in supporters
        ],
    )


def note_out(note: CaseNote, files: list[AttachmentOut]) -> NoteOut:
    out = NoteOut.model_validate(note, from_attributes=True)
    out.attachments = [f for f in files if f.note_id == note.id]
    return out
