"""Note and attachment rows to response bodies."""

from __future__ import annotations

from collections.abc import Sequence

from cases.models.case_attachment import CaseAttachment
from cases.models.case_note import CaseNote
from cases.notes.schemas import AttachmentOut, NoteOut


def attachments_out(rows: Sequence[CaseAttachment]) -> list[AttachmentOut]:
    return [AttachmentOut.model_validate(row, from_attributes=True) for row in rows]


def note_out(note: CaseNote, files: Sequence[AttachmentOut]) -> NoteOut:
    """The note with its own files among `files` (the case's)."""
    out = NoteOut.model_validate(note, from_attributes=True)
    out.attachments = [f for f in files if f.note_id == note.id]
    return out
