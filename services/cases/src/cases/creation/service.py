"""Opening cases for routed reports, or adding each report to the case it duplicates: one
tenant's decisions of a fetched batch at once, in stream order.

Whatever the number of decisions, the new cases cost three round trips: the reports'
situation (known? the town's prefix), their case numbers, and one statement for the cases,
their locators, their history and their events. Each duplicate then costs two more: the
target's supporter count, and one statement for the supporter, its locator, its history and
its event."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock
from cases.creation.new_case import Opening, create_case, create_cases
from cases.creation.repository import Situation, situation
from cases.creation.supporter import Joined, NoOpenEnd, add_supporter, join_duplicate_target
from cases.errors import DirectoryMissing, DuplicateTargetNotOpen
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.routing import RoutingDecided
from guichet_kit.bus import last_delivery

logger = logging.getLogger(__name__)


Decided = tuple[Envelope, RoutingDecided]


async def apply_decisions(
    session: AsyncSession, tenant_id: str, envelopes: Sequence[Envelope]
) -> None:
    """The new cases first, numbered in stream order, then the duplicates one by one: a
    duplicate of a case opened in the same batch finds it."""
    decided = [(envelope, envelope.payload(RoutingDecided)) for envelope in envelopes]
    found = await situation(session, tenant_id, [d.report.report_id for _, d in decided])
    fresh = _first_decisions(decided, found.known)
    openings = [Opening(d, envelope) for envelope, d in fresh if _target(d) is None]
    if openings:
        await create_cases(session, tenant_id, openings, _prefix(found, tenant_id))
    for envelope, decision in fresh:
        target = _target(decision)
        if target is not None:
            await _join(session, tenant_id, envelope, decision, target, found)


def _first_decisions(decided: Sequence[Decided], known: frozenset[uuid.UUID]) -> list[Decided]:
    """The decisions on reports not known yet, each report once: a later decision on the same
    report in the batch is a replay (the first one wins)."""
    seen = set(known)
    fresh: list[Decided] = []
    for envelope, decision in decided:
        report_id = decision.report.report_id
        if report_id in seen:
            logger.info("report %s already has a case, decision ignored", report_id)
            continue
        seen.add(report_id)
        fresh.append((envelope, decision))
    return fresh


def _target(decision: RoutingDecided) -> uuid.UUID | None:
    """The case a duplicate report joins; None for a report that opens a case."""
    return decision.duplicate_of_case_id if decision.outcome == "duplicate" else None


def _prefix(found: Situation, tenant_id: str) -> str:
    if found.case_prefix is None:
        raise DirectoryMissing(f"no directory snapshot for {tenant_id} yet")
    return found.case_prefix


async def _join(
    session: AsyncSession,
    tenant_id: str,
    envelope: Envelope,
    decision: RoutingDecided,
    target: uuid.UUID,
    found: Situation,
) -> None:
    """The report becomes a supporter of `target`. A target not found is waited for (the
    event is retried, within a second at first, for ~2.5 minutes in all: `RETRY_DELAYS`):
    the case that opens it may be committing in another replica, or its decision waiting for
    a retry. On the
    event's last delivery, or when the target cannot be joined, the report opens a case of
    its own: never lost or dead-lettered for it, at worst not merged."""
    report = decision.report
    at = clock.now()
    joined = await join_duplicate_target(session, target, at)
    if isinstance(joined, Joined):
        await add_supporter(session, joined, report, at, cause=envelope)
        return
    if joined is NoOpenEnd.MISSING and not last_delivery():
        raise DuplicateTargetNotOpen(
            f"report {report.report_id}: case {target} is not open yet, retried"
        )
    logger.warning(
        "report %s: duplicate_of case %s %s; opening a new case",
        report.report_id,
        target,
        joined.value,
    )
    await create_case(session, tenant_id, decision, _prefix(found, tenant_id), cause=envelope)
