"""Opening a case for a routed report: its number, then its row, its locator, its first
history entry and `case.created`, all in one statement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock, events, history, numbering
from cases.actors import SYSTEM
from cases.creation.reporter import contactable, locator_row, token_hash
from cases.models import outbox
from cases.models.case import Case
from cases.sla import add_business_days
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated
from guichet_contracts.events.routing import RoutingDecided
from guichet_contracts.values import CaseStatus
from guichet_kit.bus import write_with_event
from guichet_kit.db.driver import Row, table_of

_POINT = "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)"


@dataclass(frozen=True)
class NewCase:
    id: uuid.UUID
    number: str
    created_at: datetime
    due_at: datetime


async def create_case(
    session: AsyncSession,
    tenant_id: str,
    decision: RoutingDecided,
    case_prefix: str,
    *,
    cause: Envelope | None = None,
    created_at: datetime | None = None,
) -> NewCase:
    """Two round trips: the number (see `cases.numbering`), then everything else. The case
    takes the id of the report that opens it: routing, which decided it, can then find it as
    a duplicate target before `case.created` comes back (ADR 0016)."""
    created_at = created_at or clock.now()
    local = clock.local(created_at)
    case = NewCase(
        id=decision.report.report_id,
        number=await numbering.next_number(session, tenant_id, case_prefix, local.year),
        created_at=created_at,
        due_at=add_business_days(local, decision.sla_business_days),
    )
    rows = [
        case_row(tenant_id, case, decision),
        locator_row(tenant_id, decision.report),
        history.entry(
            tenant_id=tenant_id,
            case_id=case.id,
            at=case.created_at,
            action="created",
            actor=SYSTEM,
            to_status=CaseStatus.NEW,
            details={
                "report_id": str(decision.report.report_id),
                "rule": decision.rule.model_dump(mode="json"),
            },
        ),
    ]
    created = events.envelope(tenant_id, created_event(case, decision), cause)
    await write_with_event(session, rows, outbox, created)
    return case


def case_row(tenant_id: str, case: NewCase, decision: RoutingDecided) -> Row:
    report = decision.report
    values: dict[str, object] = {
        "id": case.id,
        "tenant_id": tenant_id,
        "number": case.number,
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
        "created_at": case.created_at,
        "updated_at": case.created_at,
        "due_at": case.due_at,
    }
    return Row(table_of(Case), values, {"location": _POINT})


def created_event(case: NewCase, decision: RoutingDecided) -> CaseCreated:
    report = decision.report
    return CaseCreated(
        case_id=case.id,
        case_number=case.number,
        report_id=report.report_id,
        tracking_number=report.tracking_number,
        created_at=case.created_at,
        category_code=report.category_code,
        subcategory_code=report.subcategory_code,
        location=report.location,
        departments=list(decision.departments),
        priority=decision.priority,
        confidentiality=decision.confidentiality,
        status=CaseStatus.NEW,
        due_at=case.due_at,
    )
