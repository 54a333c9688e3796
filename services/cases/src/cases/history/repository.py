"""Appending to a case's history and reading it back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case_history import CaseHistory
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Actor, CaseStatus
from guichet_kit.db.driver import Row, insert_rows, table_of


def entry(
    *,
    tenant_id: str,
    case_id: uuid.UUID,
    at: datetime,
    action: str,
    actor: Actor,
    from_status: CaseStatus | None = None,
    to_status: CaseStatus | None = None,
    details: dict[str, Any] | None = None,
) -> Row:
    row = {
        "id": uuid7(),
        "tenant_id": tenant_id,
        "case_id": case_id,
        "at": at,
        "action": action,
        "actor_kind": actor.kind.value,
        "actor_subject": actor.subject,
        "actor_name": actor.display_name,
        "from_status": from_status.value if from_status else None,
        "to_status": to_status.value if to_status else None,
        "details": details or {},
    }
    return Row(table_of(CaseHistory), row)


async def record(session: AsyncSession, row: Row) -> None:
    """An `entry` alone (a new case writes its entry with its other rows, in one statement)."""
    await insert_rows(session, [row])  # every case change: the driver


async def entries(session: AsyncSession, case_id: uuid.UUID) -> list[CaseHistory]:
    statement = (
        select(CaseHistory)
        .where(CaseHistory.case_id == case_id)
        .order_by(CaseHistory.at, CaseHistory.id)
    )
    return list((await session.execute(statement)).scalars())
