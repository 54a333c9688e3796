"""Appending to a case's history and reading it back."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models.case import Case
from cases.models.case_history import CaseHistory
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Actor, CaseStatus
from guichet_kit.db.driver import Row, insert_rows, table_of


@dataclass(frozen=True)
class Change:
    """What happened to a case: one history entry."""

    at: datetime
    action: str
    actor: Actor
    from_status: CaseStatus | None = None
    to_status: CaseStatus | None = None
    details: dict[str, Any] | None = None


def entry(tenant_id: str, case_id: uuid.UUID, change: Change) -> Row:
    row = {
        "id": uuid7(),
        "tenant_id": tenant_id,
        "case_id": case_id,
        "at": change.at,
        "action": change.action,
        "actor_kind": change.actor.kind.value,
        "actor_subject": change.actor.subject,
        "actor_name": change.actor.display_name,
        "from_status": change.from_status.value if change.from_status else None,
        "to_status": change.to_status.value if change.to_status else None,
        "details": change.details or {},
    }
    return Row(table_of(CaseHistory), row)


async def record(session: AsyncSession, case: Case, change: Change) -> None:
    """An entry on `case` alone (a new case writes its entry with its other rows, in one
    statement)."""
    await insert_rows(session, [entry(case.tenant_id, case.id, change)])  # the driver


async def entries(session: AsyncSession, case_id: uuid.UUID) -> list[CaseHistory]:
    statement = (
        select(CaseHistory)
        .where(CaseHistory.case_id == case_id)
        .order_by(CaseHistory.at, CaseHistory.id)
    )
    return list((await session.execute(statement)).scalars())
