"""A duplicate report joins the case routing found for it (or the case that one was merged
into)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from cases import events
from cases.actors import SYSTEM
from cases.creation import repository
from cases.creation.reporter import contactable, locator_row, token_hash
from cases.history import repository as history
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseMerged
from guichet_contracts.events.report import ReportContent
from guichet_contracts.ids import uuid7
from guichet_kit.db.driver import Row

MAX_DUPLICATE_HOPS = 5


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
    for _ in range(_READS):  # each read again sees the merges that committed during the last
        row = await repository.bump_open_end(session, case_id, at, MAX_DUPLICATE_HOPS)
        if row is not None:
            return Joined(*row)
        if not await repository.case_exists(session, case_id):
            return NoOpenEnd.MISSING
    return NoOpenEnd.TOO_LONG


_READS = 3


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
            target.tenant_id,
            target.id,
            history.Change(
                at=at,
                action="supporter_added",
                actor=SYSTEM,
                details={"report_id": str(report.report_id), "supporters": target.supporters},
            ),
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
    await repository.write_supporter(session, rows, merged)


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
    return repository.supporter_row(values)
