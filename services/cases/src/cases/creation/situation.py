"""What a routed report meets on arrival, read in one statement: whether it is already known
(it opened a case or supports one) and its town's case-number prefix (None until the first
directory snapshot). Nothing is taken here: a case number is taken only for a case opened."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection

_SITUATION = (
    'SELECT EXISTS (SELECT 1 FROM cases."case" WHERE report_id = $1) '
    "OR EXISTS (SELECT 1 FROM cases.case_supporter WHERE report_id = $1), "
    "(SELECT case_prefix FROM cases.directory_municipality WHERE nis = $2)"
)


@dataclass(frozen=True)
class Situation:
    known: bool
    case_prefix: str | None


async def situation(session: AsyncSession, tenant_id: str, report_id: uuid.UUID) -> Situation:
    connection = await driver_connection(session)  # once per routed report (ADR 0013)
    (row,) = await connection.fetch(_SITUATION, report_id, tenant_id)  # one row, always
    return Situation(known=bool(row[0]), case_prefix=row[1])
