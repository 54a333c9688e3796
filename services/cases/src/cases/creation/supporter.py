"""A duplicate report joins the case routing found for it (or the case that one was merged
into)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock, events, history
from cases.actors import SYSTEM
from cases.creation.reporter import contactable, locator_row, token_hash
from cases.models import outbox
from cases.models.case import Case
from cases.models.case_supporter import CaseSupporter
from cases.store import cases as store
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseMerged
from guichet_contracts.events.report import ReportContent
from guichet_contracts.ids import uuid7
from guichet_contracts.values import CaseStatus
from guichet_kit.bus import write_with_event
from guichet_kit.db.driver import Row, table_of

MAX_DUPLICATE_HOPS = 5


async def open_duplicate_target(session: AsyncSession, case_id: uuid.UUID) -> Case | None:
    """The case a duplicate report joins, row-locked: follows cases that were themselves
    merged into another one; None when the case isn't in this tenant."""
    for _ in range(MAX_DUPLICATE_HOPS):
        case = await store.by_id(session, case_id, lock=True)
        if case is None:
            return None
        if case.status != CaseStatus.DUPLICATE or case.duplicate_of_case_id is None:
            return case
        case_id = case.duplicate_of_case_id
    return None


async def add_supporter(
    session: AsyncSession,
    target: Case,
    report: ReportContent,
    *,
    cause: Envelope | None = None,
    at: datetime | None = None,
) -> None:
    """`target` must be row-locked by the caller. Its new total is flushed by the ORM, then
    the supporter, its locator, the history entry and `case.merged` go in one statement."""
    at = at or clock.now()
    target.supporters += 1
    target.updated_at = at
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


def supporter_row(target: Case, report: ReportContent, at: datetime) -> Row:
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
