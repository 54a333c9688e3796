"""Deciding where a submitted report goes, and publishing the decision.

The decision rows and the `routing.decided` events of a town's reports in a fetched batch are
written in the consumer's transaction, in one statement: all or none. A report already
decided (redelivery, replay with a new event id) is skipped, so each report gets exactly one
decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope, utcnow
from guichet_contracts.events.report import ReportContent, ReportSubmitted
from guichet_contracts.events.routing import MatchedRule, RoutingDecided
from guichet_contracts.values import Confidentiality, Priority
from guichet_kit.bus import BatchHandler
from guichet_kit.db.driver import Row
from routing.geo.distance import metres_apart
from routing.open_cases.repository import opened_by
from routing.router import repository
from routing.router.repository import CategoryDefaults, Situation
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


def reports_handler(config: RouterConfig) -> BatchHandler:
    async def handle(session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
        await route_reports(session, envelopes, config)

    return handle


async def route_reports(
    session: AsyncSession, envelopes: Sequence[Envelope], config: RouterConfig
) -> list[RoutingDecided]:
    """Decide for the reports of one town (the session's tenant), in order: one read and one
    write for all of them. A report that could be the duplicate of one opening a case in the
    same round (or a second copy of a report) waits for the next round, which reads after
    that case is written: the outcome is the same as one report at a time."""
    pending = [(envelope, envelope.payload(ReportSubmitted).report) for envelope in envelopes]
    decided: list[RoutingDecided] = []
    while pending:
        asked = [(report, report.submitted_at - config.duplicate_window) for _, report in pending]
        found = await repository.situations(session, asked)
        now, later = _rounds(pending, found)
        decided += await _decide(session, now, config)
        pending = later
    return decided


_Pending = tuple[Envelope, ReportContent]
_Found = tuple[Envelope, ReportContent, Situation]


def _rounds(
    pending: Sequence[_Pending], found: Sequence[Situation]
) -> tuple[list[_Found], list[_Pending]]:
    """The reports decidable now, and those to read again once these are written. A report
    waits when an earlier one may change what it finds: one opening a case near it, or one
    already waiting near it (which may open one in the next round)."""
    now: list[_Found] = []
    later: list[_Pending] = []
    seen: set[UUID] = set()
    near: list[tuple[ReportContent, int]] = []  # opening or waiting, with their radius
    for (envelope, report), situation in zip(pending, found, strict=True):
        radius = situation.category.duplicate_radius_m if situation.category else 0
        if report.report_id in seen or any(_may_duplicate(report, *other) for other in near):
            later.append((envelope, report))
            near.append((report, radius))
            continue
        seen.add(report.report_id)
        now.append((envelope, report, situation))
        if _opens_a_case(situation):
            near.append((report, radius))
    return now, later


def _opens_a_case(found: Situation) -> bool:
    return not found.already_decided and found.duplicate_of is None


def _may_duplicate(report: ReportContent, opener: ReportContent, radius_m: int) -> bool:
    """Over-estimates (the database measures on the spheroid, this on a sphere): a report
    sent to the next round for nothing costs one read, one missed would open a second case."""
    return (
        report.category_code == opener.category_code
        and metres_apart(report.location, opener.location) <= radius_m * 1.01 + 1.0
    )


async def _decide(
    session: AsyncSession, found: Sequence[_Found], config: RouterConfig
) -> list[RoutingDecided]:
    rows: list[Row] = []
    events: list[Envelope] = []
    decided: list[RoutingDecided] = []
    for envelope, report, situation in found:
        if situation.already_decided:
            logger.info("report %s already decided, skipping", report.report_id)
            continue
        decision, match = await _decision_for(session, envelope, report, situation, config)
        event = Envelope.following(envelope, decision)
        rows.append(repository.decision_row(envelope.tenant_id, decision, match, event))
        if decision.outcome == "new_case":
            rows.append(opened_by(envelope.tenant_id, report))
        events.append(event)
        decided.append(decision)
    if events:
        await repository.write_decisions(session, rows, events)  # one round trip
    return decided


async def _decision_for(
    session: AsyncSession,
    envelope: Envelope,
    report: ReportContent,
    found: Situation,
    config: RouterConfig,
) -> tuple[RoutingDecided, Match]:
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
    return decided, match


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
