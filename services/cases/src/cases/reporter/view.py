"""Building the reporter's view of a case: status, dates, and the public timeline (status changes
with their public messages, public comments of staff and reporters, public attachments).

Never shown: internal notes and their files, assignment, priority, the routing rule, other
reporters' details, staff subjects; staff names only where the municipality allows it (else
the lead department's name). A confidential case shows its status and dates only.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from cases.directory import repository as directory
from cases.history import repository as history
from cases.messages import status_label
from cases.models.case import Case
from cases.models.case_attachment import CaseAttachment
from cases.models.case_history import CaseHistory
from cases.models.case_note import CaseNote
from cases.notes import repository as notes
from cases.notes.links import Links
from cases.reporter import repository
from cases.reporter.schemas import Named, PublicAuthor, ReporterCaseView, TimelineEntry
from cases.tenant_settings import repository as case_settings
from guichet_contracts.values import CaseStatus, Confidentiality, pick_label

STATUS_ACTIONS = frozenset({"created", "status_changed", "reopened"})


class Authors:
    """Who wrote an entry, as a reporter may see it."""

    def __init__(self, town: str, department: str, show_names: bool) -> None:
        self.town, self.department, self.show_names = town, department, show_names

    def of(self, kind: str, name: str | None) -> PublicAuthor:
        if kind == "reporter":
            return PublicAuthor(kind="reporter")
        if kind == "staff":
            shown = name if self.show_names else None
            return PublicAuthor(kind="staff", name=shown, department=self.department)
        return PublicAuthor(kind="municipality", name=self.town)


def _status_entry(
    entry: CaseHistory, language: str, authors: Authors | None
) -> TimelineEntry | None:
    if entry.action not in STATUS_ACTIONS or entry.to_status is None:
        return None
    status = CaseStatus(entry.to_status)
    message = entry.details.get("public_message") if authors is not None else None
    return TimelineEntry(
        at=entry.at,
        kind="status",
        status=status,
        status_label=status_label(status, language),
        message=message if isinstance(message, str) else None,
        author=authors.of(entry.actor_kind, entry.actor_name) if authors else None,
    )


async def _comment_entries(
    session: AsyncSession, case: Case, authors: Authors, links: Links
) -> list[TimelineEntry]:
    public = [n for n in await notes.notes_of(session, case.id) if n.visibility == "public"]
    files: dict[uuid.UUID, list[CaseAttachment]] = defaultdict(list)
    for row in await notes.of_case(session, case.id, public_only=True):
        files[row.note_id].append(row)
    return [await _comment(note, files[note.id], authors, links) for note in public]


async def _comment(
    note: CaseNote, files: list[CaseAttachment], authors: Authors, links: Links
) -> TimelineEntry:
    return TimelineEntry(
        at=note.created_at,
        kind="comment",
        message=note.text or None,
        author=authors.of(note.author_kind, note.author_name),
        attachments=[await links.public(row) for row in files],
    )


async def reporter_view(
    session: AsyncSession,
    case: Case,
    *,
    tracking_number: str,
    report_id: uuid.UUID,
    language: str,
    links: Links,
) -> ReporterCaseView:
    town = await directory.municipality(session, case.tenant_id)
    town_name = pick_label(town.names if town else {}, language, case.tenant_id)
    category = await directory.category_labels(session, case.category_code)
    restricted = case.confidentiality == Confidentiality.CONFIDENTIAL.value
    authors: Authors | None = None
    if not restricted:
        department = await directory.department_labels(session, case.lead_department)
        chosen = await case_settings.current(session, case.tenant_id)
        authors = Authors(
            town_name,
            pick_label(department, language, case.lead_department),
            chosen.show_staff_names,
        )
    entries = [
        entry
        for row in await history.entries(session, case.id)
        if (entry := _status_entry(row, language, authors)) is not None
    ]
    if authors is not None:
        entries += await _comment_entries(session, case, authors, links)
    entries.sort(key=lambda e: e.at)
    status = CaseStatus(case.status)
    return ReporterCaseView(
        case_number=case.number,
        tracking_number=tracking_number,
        status=status,
        status_label=status_label(status, language),
        category=Named(
            code=case.category_code, name=pick_label(category, language, case.category_code)
        ),
        municipality=Named(code=case.tenant_id, name=town_name),
        reported_at=case.reported_at,
        created_at=case.created_at,
        updated_at=case.updated_at,
        planned_for=case.planned_for,
        supporters=case.supporters,
        restricted=restricted,
        photos=await links.photos(await repository.photos_of_report(session, report_id)),
        timeline=entries,
    )
