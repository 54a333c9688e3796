"""Writing a note on a case, with its files: one history entry and one `case.commented` event.

An internal note's text and files stay in this service: its event carries neither. A
reporter's note is always public (the table checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock, events
from cases.history import repository as history
from cases.models.case import Case
from cases.models.case_attachment import CaseAttachment
from cases.models.case_note import CaseNote
from cases.notes import repository
from cases.notes.files import StoredFile
from guichet_contracts.events.case import AttachmentRef, CaseCommented
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Actor, ActorKind
from guichet_kit.storage import object_key

Visibility = Literal["internal", "public"]


def attachment_row(case: Case, note: CaseNote, stored: StoredFile) -> CaseAttachment:
    return CaseAttachment(
        id=stored.id,
        tenant_id=case.tenant_id,
        case_id=case.id,
        note_id=note.id,
        visibility=note.visibility,
        path=stored.path,
        thumbnail_path=stored.thumbnail_path,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        width=stored.width,
        height=stored.height,
        file_name=stored.file_name,
        created_at=note.created_at,
    )


async def add_note(
    session: AsyncSession,
    case: Case,
    text: str,
    visibility: Visibility,
    actor: Actor,
    attachments: Sequence[StoredFile] = (),
) -> CaseNote:
    """`case` row-locked by the caller."""
    at = clock.now()
    note = CaseNote(
        id=uuid7(),
        tenant_id=case.tenant_id,
        case_id=case.id,
        visibility=visibility,
        text=text,
        author_kind="reporter" if actor.kind == ActorKind.REPORTER else "staff",
        author_subject=actor.subject,
        author_name=actor.display_name,
        created_at=at,
    )
    rows = [attachment_row(case, note, stored) for stored in attachments]
    case.updated_at = at
    await repository.add(session, note, rows)
    details: dict[str, object] = {"note_id": str(note.id), "visibility": visibility}
    if rows:
        details["attachments"] = [str(row.id) for row in rows]
    await history.record(
        session,
        case,
        history.Change(
            at=at,
            action="note_added",
            actor=actor,
            details=details,
        ),
    )
    public = visibility == "public"
    payload = CaseCommented(
        case_id=case.id,
        case_number=case.number,
        comment_id=note.id,
        visibility=visibility,
        author=actor,
        text=text if public and text else None,
        attachments=[attachment_ref(row) for row in rows] if public else [],
        commented_at=at,
    )
    await events.publish(session, case.tenant_id, payload)
    return note


def attachment_ref(row: CaseAttachment) -> AttachmentRef:
    return AttachmentRef(
        attachment_id=row.id,
        object_key=object_key(row.tenant_id, row.path),
        content_type=row.content_type,
        size_bytes=row.size_bytes,
    )
