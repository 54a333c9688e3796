"""Reading and saving a municipality's case settings; no row means the defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_settings import CaseSettings


@dataclass(frozen=True)
class Settings:
    show_staff_names: bool = False


DEFAULTS = Settings()


async def current(session: AsyncSession, tenant_id: str) -> Settings:
    statement = select(CaseSettings).where(CaseSettings.tenant_id == tenant_id)
    row = (await session.execute(statement)).scalar_one_or_none()
    return DEFAULTS if row is None else Settings(show_staff_names=row.show_staff_names)


async def save(
    session: AsyncSession, tenant_id: str, settings: Settings, *, by: str, at: datetime
) -> None:
    values = {"show_staff_names": settings.show_staff_names, "updated_by": by, "updated_at": at}
    statement = (
        insert(CaseSettings)
        .values(tenant_id=tenant_id, **values)
        .on_conflict_do_update(index_elements=[CaseSettings.tenant_id], set_=values)
    )
    await session.execute(statement)
