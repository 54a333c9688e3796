"""A duplicate report joins the case routing found for it (or the case that one was merged
into)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from cases import events, history
from cases.actors import SYSTEM
from cases.creation.reporter import contactable, locator_row, token_hash
from cases.models import outbox
from cases.models.case_supporter import CaseSupporter
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseMerged
from guichet_contracts.events.report import ReportContent
from guichet_contracts.ids import uuid7
from guichet_kit.bus import write_with_event
from guichet_kit.db.driver import Row, driver_connection, table_of

MAX_DUPLICATE_HOPS = 5

# The open end of the chain of merges starting at $1 (at most $3 cases long), its
# supporter count bumped: one statement, the row locked until the transaction ends. If a merge
# commits meanwhile, PostgreSQL re-checks the locked row: no longer open, it is not updated and
# nothing comes back (the caller reads the chain again).
_JOIN = """
WITH RECURSIVE chain AS (
    SELECT id, status, duplicate_of_case_id, 1 AS hop FROM cases."case" WHERE id = $1
    UNION ALL
    SELECT c.id, c.status, c.duplicate_of_case_id, chain.hop + 1
    FROM cases."case" AS c JOIN chain ON c.id = chain.duplicate_of_case_id
    WHERE chain.status = 'duplicate' AND chain.hop < $3
), open_end AS (
    SELECT id FROM chain
    WHERE status <> 'duplicate' OR duplicate_of_case_id IS NULL
    ORDER BY hop LIMIT 1
)
UPDATE cases."case" AS c SET supporters = c.supporters + 1, updated_at = $2
FROM open_end
WHERE c.id = open_end.id AND (c.status <> 'duplicate' OR c.duplicate_of_case_id IS NULL)
RETURNING c.id, c.tenant_id, c.number, c.supporters
"""


@dataclass(frozen=True)
class Joined:
    """The case a duplicate report joined, with its new supporter count."""

    id: uuid.UUID
    tenant_id: str
    number: str
    supporters: int


class NoOpenEnd(Enum):
    """Why a duplicate report found no case to join."""

    MISSING = "does not exist in this tenant"
    TOO_LONG = f"was merged more than {MAX_DUPLICATE_HOPS} times over"


async def join_duplicate_target(
    session: AsyncSession, case_id: uuid.UUID, at: datetime
) -> Joined | NoOpenEnd:
    """Count one more supporter on the case a duplicate report joins, following cases that
    were themselves merged into another one."""
    connection = await driver_connection(session)  # every duplicate report (ADR 0014)
    for _ in range(_READS):  # each read again sees the merges that committed during the last
        row = await connection.fetchrow(_JOIN, case_id, at, MAX_DUPLICATE_HOPS)
        if row is not None:
            return Joined(row["id"], row["tenant_id"], row["number"], row["supporters"])
        if not await connection.fetchval(_EXISTS, case_id):
            return NoOpenEnd.MISSING
    return NoOpenEnd.TOO_LONG


_READS = 3
_EXISTS = 'SELECT EXISTS (SELECT 1 FROM cases."case" WHERE id = $1)'


async def add_supporter(
    session: AsyncSession,
    target: Joined,
    report: ReportContent,
    at: datetime,
    cause: Envelope | None = None,
) -> None:
    """The supporter, its locator, the history entry and `case.merged` in one statement."""
    rows = [
        supporter_row(target, report, at),
        locator_row(target.tenant_id, report),
        history.entry(
            tenant_id=target.tenant_id,
            case_id=target.id,
            at=at,
            action="supporter_added",
            actor=SYSTEM,
            details={"report_id": str(report.report_id), "supporters": target.supporters},
        ),
    ]
    payload = CaseMerged(
        case_id=target.id,
        case_number=target.number,
        report_id=report.report_id,
        supporters=target.supporters,
        merged_at=at,
    )
    merged = events.envelope(target.tenant_id, payload, cause)
    await write_with_event(session, rows, outbox, merged)


def supporter_row(target: Joined, report: ReportContent, at: datetime) -> Row:
    values = {
        "id": uuid7(),
        "tenant_id": target.tenant_id,
        "case_id": target.id,
        "report_id": report.report_id,
        "tracking_number": report.tracking_number,
        "reporter_language": report.reporter.language,
        "reporter_contactable": contactable(report.reporter),
        "reporter_subject": report.reporter.account_subject,
        "tracking_token_hash": token_hash(report),
        "supported_at": at,
    }
    return Row(table_of(CaseSupporter), values)
