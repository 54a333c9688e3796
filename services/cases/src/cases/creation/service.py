"""Opening a case for a routed report, or adding the report to the case it duplicates."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock, events, history, numbering
from cases.actors import SYSTEM
from cases.directory import repository as directory
from cases.errors import DirectoryMissing
from cases.models.case import Case
from cases.models.case_supporter import CaseSupporter
from cases.sla import add_business_days
from cases.store import cases as store
from cases.store import locator
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated, CaseMerged
from guichet_contracts.events.report import ReportContent, Reporter
from guichet_contracts.events.routing import RoutingDecided
from guichet_contracts.ids import uuid7
from guichet_contracts.values import CaseStatus
from guichet_kit.db.driver import insert_row

logger = logging.getLogger(__name__)

MAX_DUPLICATE_HOPS = 5


def contactable(reporter: Reporter) -> bool:
    return reporter.kind != "anonymous" and bool(
        reporter.email or reporter.phone or reporter.account_subject
    )


def token_hash(report: ReportContent) -> bytes | None:
    digest = report.tracking_token_sha256
    return bytes.fromhex(digest) if digest else None


async def add_locator(session: AsyncSession, tenant_id: str, report: ReportContent) -> None:
    await locator.add(
        session,
        tracking_number=report.tracking_number,
        tenant_id=tenant_id,
        report_id=report.report_id,
        token_hash=token_hash(report),
        reporter_subject=report.reporter.account_subject,
    )


_POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"


@dataclass(frozen=True)
class NewCase:
    id: uuid.UUID
    number: str


async def create_case(
    session: AsyncSession,
    tenant_id: str,
    decision: RoutingDecided,
    *,
    cause: Envelope | None = None,
    created_at: datetime | None = None,
) -> NewCase:
    town = await directory.municipality(session, tenant_id)
    if town is None:
        raise DirectoryMissing(f"no directory snapshot for {tenant_id} yet")
    created_at = created_at or clock.now()
    number = await numbering.next_number(
        session, tenant_id, town.case_prefix, clock.local(created_at).year
    )
    report = decision.report
    due_at = add_business_days(clock.local(created_at), decision.sla_business_days)
    case_id = uuid7()
    row: dict[str, object] = {
        "id": case_id,
        "tenant_id": tenant_id,
        "number": number,
        "report_id": report.report_id,
        "tracking_number": report.tracking_number,
        "status": CaseStatus.NEW.value,
        "priority": decision.priority.value,
        "confidentiality": decision.confidentiality.value,
        "lead_department": decision.departments[0],
        "departments": list(decision.departments),
        "category_code": report.category_code,
        "subcategory_code": report.subcategory_code,
        "description": report.description,
        "lon": report.location.lon,
        "lat": report.location.lat,
        "address": report.address,
        "photos": [photo.model_dump(mode="json") for photo in report.photos],
        "answers": dict(report.answers),
        "channel": report.channel.value,
        "reporter_language": report.reporter.language,
        "reporter_contactable": contactable(report.reporter),
        "reporter_subject": report.reporter.account_subject,
        "tracking_token_hash": token_hash(report),
        "routing_rule": decision.rule.model_dump(mode="json"),
        "supporters": 1,
        "reported_at": report.submitted_at,
        "created_at": created_at,
        "updated_at": created_at,
        "due_at": due_at,
    }
    # Once per case: through the driver (ADR 0013).
    await insert_row(session, Case.__table__, row, {"location": _POINT})
    case = NewCase(id=case_id, number=number)
    await add_locator(session, tenant_id, report)
    await history.record(
        session,
        tenant_id=tenant_id,
        case_id=case.id,
        at=created_at,
        action="created",
        actor=SYSTEM,
        to_status=CaseStatus.NEW,
        details={"report_id": str(report.report_id), "rule": decision.rule.model_dump(mode="json")},
    )
    payload = CaseCreated(
        case_id=case.id,
        case_number=number,
        report_id=report.report_id,
        tracking_number=report.tracking_number,
        created_at=created_at,
        category_code=report.category_code,
        subcategory_code=report.subcategory_code,
        location=report.location,
        departments=list(decision.departments),
        priority=decision.priority,
        confidentiality=decision.confidentiality,
        status=CaseStatus.NEW,
        due_at=due_at,
    )
    await events.publish(session, tenant_id, payload, cause)
    return case


async def add_supporter(
    session: AsyncSession,
    target: Case,
    report: ReportContent,
    *,
    cause: Envelope | None = None,
    at: datetime | None = None,
) -> None:
    """`target` must be row-locked by the caller."""
    at = at or clock.now()
    session.add(
        CaseSupporter(
            id=uuid7(),
            tenant_id=target.tenant_id,
            case_id=target.id,
            report_id=report.report_id,
            tracking_number=report.tracking_number,
            reporter_language=report.reporter.language,
            reporter_contactable=contactable(report.reporter),
            reporter_subject=report.reporter.account_subject,
            tracking_token_hash=token_hash(report),
            supported_at=at,
        )
    )
    await add_locator(session, target.tenant_id, report)
    target.supporters += 1
    target.updated_at = at
    await session.flush()
    await history.record(
        session,
        tenant_id=target.tenant_id,
        case_id=target.id,
        at=at,
        action="supporter_added",
        actor=SYSTEM,
        details={"report_id": str(report.report_id), "supporters": target.supporters},
    )
    payload = CaseMerged(
        case_id=target.id,
        case_number=target.number,
        report_id=report.report_id,
        supporters=target.supporters,
        merged_at=at,
    )
    await events.publish(session, target.tenant_id, payload, cause)


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


async def apply_decision(session: AsyncSession, tenant_id: str, envelope: Envelope) -> None:
    decision = envelope.payload(RoutingDecided)
    report = decision.report
    if await store.report_known(session, report.report_id):
        logger.info("report %s already has a case, decision ignored", report.report_id)
        return
    if decision.outcome == "duplicate" and decision.duplicate_of_case_id is not None:
        target = await open_duplicate_target(session, decision.duplicate_of_case_id)
        if target is not None:
            await add_supporter(session, target, report, cause=envelope)
            return
        logger.warning(
            "report %s: duplicate_of case %s does not exist in tenant %s; opening a new case",
            report.report_id,
            decision.duplicate_of_case_id,
            tenant_id,
        )
    await create_case(session, tenant_id, decision, cause=envelope)
