"""SQL of notes and their attachments (RLS limits every statement to the bound tenant)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_attachment import CaseAttachment
from cases.models.case_note import CaseNote


async def add(session: AsyncSession, note: CaseNote, attachments: Sequence[CaseAttachment]) -> None:
    """The note first: its attachments refer to it."""
    session.add(note)
    await session.flush()
    session.add_all(attachments)
    await session.flush()


async def notes_of(session: AsyncSession, case_id: uuid.UUID) -> list[CaseNote]:
    statement = (
        select(CaseNote)
        .where(CaseNote.case_id == case_id)
        .order_by(CaseNote.created_at, CaseNote.id)
    )
    return list((await session.execute(statement)).scalars())


async def reporter_notes_since(session: AsyncSession, case_id: uuid.UUID, since: datetime) -> int:
    statement = select(func.count()).where(
        CaseNote.case_id == case_id,
        CaseNote.author_kind == "reporter",
        CaseNote.created_at > since,
    )
    return int((await session.execute(statement)).scalar_one())


async def of_case(
    session: AsyncSession, case_id: uuid.UUID, *, public_only: bool = False
) -> list[CaseAttachment]:
    statement = select(CaseAttachment).where(CaseAttachment.case_id == case_id)
    if public_only:
        statement = statement.where(CaseAttachment.visibility == "public")
    statement = statement.order_by(CaseAttachment.created_at, CaseAttachment.id)
    return list((await session.execute(statement)).scalars())


async def find(
    session: AsyncSession, case_id: uuid.UUID, attachment_id: uuid.UUID
) -> CaseAttachment | None:
    statement = select(CaseAttachment).where(
        CaseAttachment.case_id == case_id, CaseAttachment.id == attachment_id
    )
    return (await session.execute(statement)).scalar_one_or_none()
