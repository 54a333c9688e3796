"""Keeping the open-case projection up to date from cases' events."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated, CaseMerged, CaseStatusChanged
from guichet_contracts.values import CaseStatus
from routing.open_cases import repository

logger = logging.getLogger(__name__)

CASE_EVENTS = (CaseCreated, CaseStatusChanged, CaseMerged)


async def handle_case_event(session: AsyncSession, envelope: Envelope) -> None:
    """Handler of the `routing-cases` consumer (transaction and inbox owned by the consumer)."""
    if envelope.type == CaseCreated.event_type:
        created = envelope.payload(CaseCreated)
        case = repository.open_case_row(
            tenant_id=envelope.tenant_id,
            case_id=created.case_id,
            category_code=created.category_code,
            lon=created.location.lon,
            lat=created.location.lat,
            status=created.status.value,
            created_at=created.created_at,
        )
        await repository.add_case(session, case)
    elif envelope.type == CaseStatusChanged.event_type:
        changed = envelope.payload(CaseStatusChanged)
        if not await repository.set_status(session, changed.case_id, changed.to_status.value):
            logger.info("status change of unknown case %s ignored", changed.case_id)
    elif envelope.type == CaseMerged.event_type:
        merged = envelope.payload(CaseMerged)
        if merged.merged_case_id is not None:
            await repository.set_status(session, merged.merged_case_id, CaseStatus.DUPLICATE.value)
    else:
        logger.debug("case event %s not used by routing", envelope.type)
