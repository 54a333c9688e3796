"""A reporter's comment on their case: text and/or one photo, always public, author
"reporter"; at most `per_hour` of them per case in any hour (the case row is locked, so
concurrent comments are counted one after another)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock
from cases.errors import CommentEmpty, CommentTooLong, TooManyComments
from cases.models.case import Case
from cases.models.case_note import CaseNote
from cases.notes import repository as notes
from cases.notes.files import StoredFile
from cases.notes.service import add_note
from guichet_contracts.values import Actor

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class CommentLimits:
    max_chars: int
    per_hour: int


def checked_text(text: str | None, has_photo: bool, limits: CommentLimits) -> str:
    cleaned = (text or "").strip()
    if not cleaned and not has_photo:
        raise CommentEmpty()
    if len(cleaned) > limits.max_chars:
        raise CommentTooLong(limit=limits.max_chars)
    return cleaned


async def check_rate(session: AsyncSession, case: Case, limits: CommentLimits) -> None:
    if await notes.reporter_notes_since(session, case.id, clock.now() - WINDOW) >= limits.per_hour:
        raise TooManyComments(limit=limits.per_hour, headers={"Retry-After": "3600"})


async def add_reporter_comment(
    session: AsyncSession,
    case: Case,
    text: str,
    actor: Actor,
    photo: StoredFile | None,
) -> CaseNote:
    """`case` row-locked by the caller; text and rate already checked."""
    return await add_note(session, case, text, "public", actor, [photo] if photo else [])
