"""Deciding where a submitted report goes, and publishing the decision.

The decision row and the `routing.decided` event are written in the consumer's transaction,
in one statement: both or neither. A report already decided (redelivery, replay with a new
event id) is skipped, so each report gets exactly one decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope, utcnow
from guichet_contracts.events.report import ReportContent, ReportSubmitted
from guichet_contracts.events.routing import MatchedRule, RoutingDecided
from guichet_contracts.ids import uuid7
from guichet_contracts.values import Confidentiality, Priority
from guichet_kit.bus import Handler, write_with_event
from guichet_kit.db.driver import Row, table_of
from routing.models import Decision, outbox
from routing.open_cases.repository import opened_by
from routing.router import repository
from routing.router.repository import CategoryDefaults
from routing.rules.engine import Match, ReportFacts, first_match

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class UnknownCategoryError(LookupError):
    """The town has no department at all to send a report to (retried: its directory is
    being set up)."""


@dataclass(frozen=True)
class RouterConfig:
    duplicate_window: timedelta = timedelta(days=30)
    clock: Clock = utcnow


def report_handler(config: RouterConfig) -> Handler:
    async def handle(session: AsyncSession, envelope: Envelope) -> None:
        await route_report(session, envelope, config)

    return handle


async def route_report(
    session: AsyncSession, envelope: Envelope, config: RouterConfig
) -> RoutingDecided | None:
    """Decide for the report in `envelope` (tenant = the municipality it is in)."""
    report = envelope.payload(ReportSubmitted).report
    found = await repository.situation(
        session, report, since=report.submitted_at - config.duplicate_window
    )
    if found.already_decided:
        logger.info("report %s already decided, skipping", report.report_id)
        return None
    category = found.category or await repository.dispatch_defaults(session, report.category_code)
    if category is None:
        raise UnknownCategoryError(f"{envelope.tenant_id} has no department to send a report to")
    if not category.known:
        logger.warning("report %s: category %s not in the directory, sent to %s to dispatch",
                       report.report_id, report.category_code, category.department)  # fmt: skip
    facts = ReportFacts(
        report.category_code, report.description, report.submitted_at, found.rules.covering
    )
    match = first_match(found.rules.rules, facts)
    decided = _decision(report, envelope.tenant_id, category, match, config.clock())
    if found.duplicate_of is not None:
        decided = decided.model_copy(
            update={"outcome": "duplicate", "duplicate_of_case_id": found.duplicate_of}
        )
    event = Envelope.following(envelope, decided)
    rows = [_row(envelope.tenant_id, decided, match, event)]
    if decided.outcome == "new_case":
        rows.append(opened_by(envelope.tenant_id, report))
    await write_with_event(session, rows, outbox, event)  # one round trip
    return decided


def _decision(
    report: ReportContent,
    tenant_id: str,
    category: CategoryDefaults,
    match: Match,
    decided_at: datetime,
) -> RoutingDecided:
    rule = match.rule
    if rule is None:
        departments = [category.department]
        priority, sla = category.priority, category.sla_business_days
        confidentiality = category.confidentiality
        why = MatchedRule(
            rule_id=None,
            name="category defaults" if category.known else "category not in the directory",
            explanation=f"{match.explanation} of {category.code}"
            if category.known
            else f"{category.code} is not in the directory (any more): sent to "
            f"{category.department} to dispatch",
        )
    else:
        departments = list(rule.action.departments)
        priority, sla = rule.action.priority, rule.action.sla_business_days
        confidentiality = rule.action.confidentiality or category.confidentiality
        why = MatchedRule(rule_id=rule.id, name=rule.name, explanation=match.explanation)
    handed_over = report.received_via if report.received_via not in (None, tenant_id) else None
    return RoutingDecided(
        decided_at=decided_at,
        outcome="new_case",
        handed_over_from=handed_over,
        departments=departments,
        priority=Priority(priority),
        confidentiality=Confidentiality(confidentiality),
        sla_business_days=sla,
        rule=why,
        report=report,
    )


def _row(tenant_id: str, decided: RoutingDecided, match: Match, event: Envelope) -> Row:
    values = {
        "id": uuid7(),
        "tenant_id": tenant_id,
        "report_id": decided.report.report_id,
        "tracking_number": decided.report.tracking_number,
        "category_code": decided.report.category_code,
        "decided_at": decided.decided_at,
        "outcome": decided.outcome,
        "duplicate_of_case_id": decided.duplicate_of_case_id,
        "handed_over_from": decided.handed_over_from,
        "departments": list(decided.departments),
        "priority": decided.priority.value,
        "confidentiality": decided.confidentiality.value,
        "sla_business_days": decided.sla_business_days,
        "rule_id": decided.rule.rule_id,
        "rule_name": decided.rule.name,
        "explanation": decided.rule.explanation,
        "trace": list(match.trace),
        "event_id": event.id,
    }
    return Row(table_of(Decision), values)
