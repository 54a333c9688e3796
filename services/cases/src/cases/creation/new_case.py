"""Opening cases for routed reports: their numbers in one statement, then their rows, their
locators, their first history entries and their `case.created` events in another, however
many cases a batch of decisions opens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock, events
from cases.actors import SYSTEM
from cases.creation import numbering, repository
from cases.creation.reporter import contactable, locator_row, token_hash
from cases.history import repository as history
from cases.sla import add_business_days
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated
from guichet_contracts.events.routing import RoutingDecided
from guichet_contracts.values import CaseStatus
from guichet_kit.db.driver import Row


@dataclass(frozen=True)
class NewCase:
    id: uuid.UUID
    number: str
    created_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class Opening:
    """A decision that opens a case, and the event that brought it (the cause of
    `case.created`)."""

    decision: RoutingDecided
    cause: Envelope | None = None


async def create_case(
    session: AsyncSession,
    tenant_id: str,
    decision: RoutingDecided,
    case_prefix: str,
    *,
    cause: Envelope | None = None,
    created_at: datetime | None = None,
) -> NewCase:
    """One case: `create_cases` of one opening."""
    openings = [Opening(decision, cause)]
    (case,) = await create_cases(session, tenant_id, openings, case_prefix, created_at=created_at)
    return case


async def create_cases(
    session: AsyncSession,
    tenant_id: str,
    openings: Sequence[Opening],
    case_prefix: str,
    *,
    created_at: datetime | None = None,
) -> list[NewCase]:
    """Two round trips whatever the number of openings (at least one): their numbers, in the
    order given (see `cases.creation.numbering`), then everything else. Each case takes the
    id of the report that opens it: routing, which decided it, can then find it as a
    duplicate target before `case.created` comes back (ADR 0016)."""
    created_at = created_at or clock.now()
    local = clock.local(created_at)
    numbers = await numbering.take_numbers(
        session, tenant_id, case_prefix, local.year, len(openings)
    )
    cases = [
        NewCase(
            id=opening.decision.report.report_id,
            number=number,
            created_at=created_at,
            due_at=add_business_days(local, opening.decision.sla_business_days),
        )
        for opening, number in zip(openings, numbers, strict=True)
    ]
    rows: list[Row] = []
    created: list[Envelope] = []
    for opening, case in zip(openings, cases, strict=True):
        rows.extend(case_rows(tenant_id, case, opening.decision))
        payload = created_event(case, opening.decision)
        created.append(events.envelope(tenant_id, payload, opening.cause))
    await repository.write_cases(session, rows, created)
    return cases


def case_rows(tenant_id: str, case: NewCase, decision: RoutingDecided) -> list[Row]:
    """The case, its locator and its first history entry."""
    opened = history.entry(
        tenant_id,
        case.id,
        history.Change(
            at=case.created_at,
            action="created",
            actor=SYSTEM,
            to_status=CaseStatus.NEW,
            details={
                "report_id": str(decision.report.report_id),
                "rule": decision.rule.model_dump(mode="json"),
            },
        ),
    )
    return [case_row(tenant_id, case, decision), locator_row(tenant_id, decision.report), opened]


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
    return repository.case_row(values)


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
