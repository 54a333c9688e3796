"""Opening a case for a routed report, or adding the report to the case it duplicates.

A new case costs three round trips: the report's situation (known? the town's prefix), the
case number, and one statement for the case, its locator, its history and its event. A
duplicate too: the situation, the target's supporter count, and one statement for the
supporter, its locator, its history and its event."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from cases import clock
from cases.creation.new_case import create_case
from cases.creation.situation import situation
from cases.creation.supporter import add_supporter, join_duplicate_target
from cases.errors import DirectoryMissing
from guichet_contracts.envelope import Envelope
from guichet_contracts.events.routing import RoutingDecided

logger = logging.getLogger(__name__)


async def apply_decision(session: AsyncSession, tenant_id: str, envelope: Envelope) -> None:
    decision = envelope.payload(RoutingDecided)
    report = decision.report
    found = await situation(session, tenant_id, report.report_id)
    if found.known:
        logger.info("report %s already has a case, decision ignored", report.report_id)
        return
    if decision.outcome == "duplicate" and decision.duplicate_of_case_id is not None:
        at = clock.now()
        target = await join_duplicate_target(session, decision.duplicate_of_case_id, at)
        if target is not None:
            await add_supporter(session, target, report, at, cause=envelope)
            return
        logger.warning(
            "report %s: duplicate_of case %s does not exist in tenant %s; opening a new case",
            report.report_id,
            decision.duplicate_of_case_id,
            tenant_id,
        )
    if found.case_prefix is None:
        raise DirectoryMissing(f"no directory snapshot for {tenant_id} yet")
    await create_case(session, tenant_id, decision, found.case_prefix, cause=envelope)
