"""SQL of canned responses (RLS limits every statement to the bound tenant)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.canned_response import CannedResponse
from guichet_contracts.ids import uuid7


async def listing(session: AsyncSession, language: str | None) -> list[CannedResponse]:
    statement = select(CannedResponse).order_by(CannedResponse.code, CannedResponse.language)
    if language is not None:
        statement = statement.where(CannedResponse.language == language)
    return list((await session.execute(statement)).scalars())


async def find(session: AsyncSession, code: str, language: str) -> CannedResponse | None:
    statement = select(CannedResponse).where(
        CannedResponse.code == code, CannedResponse.language == language
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def upsert(
    session: AsyncSession,
    *,
    tenant_id: str,
    code: str,
    language: str,
    title: str,
    body: str,
    subject: str,
    at: datetime,
) -> CannedResponse:
    values = {"title": title, "body": body, "updated_by": subject, "updated_at": at}
    statement = (
        insert(CannedResponse)
        .values(id=uuid7(), tenant_id=tenant_id, code=code, language=language, **values)
        .on_conflict_do_update(index_elements=["tenant_id", "code", "language"], set_=values)
        .returning(CannedResponse)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(statement)).scalar_one()


async def remove(session: AsyncSession, code: str, language: str) -> bool:
    statement = (
        delete(CannedResponse)
        .where(CannedResponse.code == code, CannedResponse.language == language)
        .returning(CannedResponse.id)
    )
    return (await session.execute(statement)).scalar_one_or_none() is not None
