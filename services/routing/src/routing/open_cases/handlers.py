"""Keeping the open-case projection up to date from cases' events."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import CaseCreated, CaseMerged, CaseStatusChanged
from guichet_contracts.values import CaseStatus
from guichet_kit.db.driver import Row
from routing.open_cases import repository

logger = logging.getLogger(__name__)

CASE_EVENTS = (CaseCreated, CaseStatusChanged, CaseMerged)


async def handle_case_events(session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
    """Batch handler of the `routing-cases` consumer (transaction and inbox owned by the
    consumer): the new cases in one statement, then the status changes and merges in one,
    each case taking its last status in stream order."""
    created = [_open_case(envelope) for envelope in envelopes if _is(envelope, CaseCreated)]
    if created:
        await repository.add_cases(session, created)
    statuses = dict(_status_changes(envelopes))  # the last change of a case wins
    if statuses:
        unknown = statuses.keys() - await repository.set_statuses(session, statuses)
        for case_id in unknown:
            logger.info("status change of unknown case %s ignored", case_id)


def _is(envelope: Envelope, event: type[CaseCreated | CaseStatusChanged | CaseMerged]) -> bool:
    return envelope.type == event.event_type


def _open_case(envelope: Envelope) -> Row:
    created = envelope.payload(CaseCreated)
    return repository.open_case_row(
        tenant_id=envelope.tenant_id,
        case_id=created.case_id,
        category_code=created.category_code,
        lon=created.location.lon,
        lat=created.location.lat,
        status=created.status.value,
        created_at=created.created_at,
    )


def _status_changes(envelopes: Sequence[Envelope]) -> Iterator[tuple[UUID, str]]:
    """(case, new status) of each status change and merge, in stream order."""
    for envelope in envelopes:
        if _is(envelope, CaseStatusChanged):
            changed = envelope.payload(CaseStatusChanged)
            yield changed.case_id, changed.to_status.value
        elif _is(envelope, CaseMerged):
            merged = envelope.payload(CaseMerged)
            if merged.merged_case_id is not None:
                yield merged.merged_case_id, CaseStatus.DUPLICATE.value
        elif not _is(envelope, CaseCreated):
            logger.debug("case event %s not used by routing", envelope.type)
