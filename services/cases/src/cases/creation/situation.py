"""What routed reports meet on arrival, read in one statement however many they are: which
of them are already known (they opened a case or support one) and their town's case-number
prefix (None until the first directory snapshot). Nothing is taken here: a case number is
taken only for a case opened."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_kit.db.driver import driver_connection

# One index probe per report: scalar subqueries, not EXISTS, which the planner may turn into a
# hash of the whole table (it takes an array to hold 100 elements; a batch holds a few).
_SITUATION = (
    "SELECT ARRAY(SELECT r.id FROM unnest($1::uuid[]) AS r(id) "
    'WHERE (SELECT true FROM cases."case" WHERE report_id = r.id) '
    "OR (SELECT true FROM cases.case_supporter WHERE report_id = r.id)), "
    "(SELECT case_prefix FROM cases.directory_municipality WHERE nis = $2)"
)


@dataclass(frozen=True)
class Situation:
    known: frozenset[uuid.UUID]  # the reports already known
    case_prefix: str | None


async def situation(
    session: AsyncSession, tenant_id: str, report_ids: Sequence[uuid.UUID]
) -> Situation:
    connection = await driver_connection(session)  # once per batch of routed reports (ADR 0013)
    (row,) = await connection.fetch(_SITUATION, list(report_ids), tenant_id)  # one row, always
    return Situation(known=frozenset(row[0]), case_prefix=row[1])
