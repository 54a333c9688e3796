"""CASES stream → intake's case projection, the status Open311 shows for a report.

Consumed (durable `intake-cases`): case.created, case.status_changed, case.assigned,
case.commented (public ones by staff: the text is the status notes) and case.merged. An
event about a case not projected yet (its case.created is still to come, e.g. redelivered
later) fails and is retried with backoff, then dead-lettered. A fetched batch is handled
set-based: each run of case.created in one statement, the other events one by one, all in
stream order.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_contracts.events.case import (
    CaseAssigned,
    CaseCommented,
    CaseCreated,
    CaseMerged,
    CaseStatusChanged,
)
from guichet_contracts.payload import EventPayload
from guichet_contracts.values import Actor, ActorKind
from guichet_kit.bus import CASES_STREAM, ConsumerSpec, Handler, event_filter
from intake.open311 import repository

logger = logging.getLogger(__name__)

DURABLE = "intake-cases"
_TOWN_VOICES = frozenset({ActorKind.STAFF, ActorKind.SYSTEM})


class CaseNotProjectedError(LookupError):
    """An event about a case whose case.created has not been applied yet."""


def _new_case(envelope: Envelope) -> repository.NewCase:
    event = envelope.payload(CaseCreated)
    return repository.NewCase(
        tenant_id=envelope.tenant_id,
        case_id=event.case_id,
        case_number=event.case_number,
        status=event.status.value,
        confidentiality=event.confidentiality.value,
        department=event.departments[0],
        due_at=event.due_at,
        created_at=event.created_at,
        report_id=event.report_id,
    )


def _published(author: Actor, text: str | None) -> bool:
    """Only the town's own public messages are Open311 status notes: its staff's (or its
    system's), never a reporter's comment, public as it is on the case."""
    return bool(text) and author.kind in _TOWN_VOICES


async def on_status_changed(session: AsyncSession, envelope: Envelope) -> None:
    event = envelope.payload(CaseStatusChanged)
    values: dict[str, Any] = {"status": event.to_status.value}
    if _published(event.actor, event.public_message):
        values["status_notes"] = event.public_message
    await _update(session, event.case_id, event.changed_at, values)


async def on_assigned(session: AsyncSession, envelope: Envelope) -> None:
    event = envelope.payload(CaseAssigned)
    await _update(session, event.case_id, event.assigned_at, {"department": event.department_code})


async def on_commented(session: AsyncSession, envelope: Envelope) -> None:
    event = envelope.payload(CaseCommented)
    if event.visibility != "public" or not _published(event.author, event.text):
        return
    await _update(session, event.case_id, event.commented_at, {"status_notes": event.text})


async def on_merged(session: AsyncSession, envelope: Envelope) -> None:
    event = envelope.payload(CaseMerged)
    if event.report_id is not None:  # a report joined the case: one statement links it
        projected = await repository.link_report(
            session, envelope.tenant_id, event.report_id, event.case_id
        )
    else:
        projected = await repository.case_exists(session, event.case_id)
    if not projected:
        raise CaseNotProjectedError(f"case {event.case_id} is not projected yet")
    if event.merged_case_id is not None:
        await repository.move_reports(session, event.merged_case_id, event.case_id)


async def _update(
    session: AsyncSession, case_id: UUID, at: datetime, values: dict[str, Any]
) -> None:
    if await repository.update_case(session, case_id, at, values):
        return
    if not await repository.case_exists(session, case_id):
        raise CaseNotProjectedError(f"case {case_id} is not projected yet")
    logger.info("stale change of case %s at %s ignored", case_id, at.isoformat())


# Every event but case.created, which `on_case_events` takes in runs.
HANDLERS: dict[type[EventPayload], Handler] = {
    CaseStatusChanged: on_status_changed,
    CaseAssigned: on_assigned,
    CaseCommented: on_commented,
    CaseMerged: on_merged,
}
_BY_TYPE = {(model.event_type, model.event_version): handler for model, handler in HANDLERS.items()}
_CREATED = (CaseCreated.event_type, CaseCreated.event_version)
_EVENTS: tuple[type[EventPayload], ...] = (CaseCreated, *HANDLERS)


async def on_case_events(session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
    """Batch handler of `intake-cases`, in stream order: each run of case.created in one
    statement, every other event alone (a change of a case created earlier in the batch
    follows its creation)."""
    for created, run in itertools.groupby(envelopes, _is_created):
        if created:
            await repository.add_cases(session, [_new_case(envelope) for envelope in run])
        else:
            for envelope in run:
                await _on_other_event(session, envelope)


def _is_created(envelope: Envelope) -> bool:
    return (envelope.type, envelope.version) == _CREATED


async def _on_other_event(session: AsyncSession, envelope: Envelope) -> None:
    handler = _BY_TYPE.get((envelope.type, envelope.version))
    if handler is None:  # outside the filter: nothing to do
        logger.warning("unexpected event %s v%d ignored", envelope.type, envelope.version)
        return
    await handler(session, envelope)


def cases_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        durable=DURABLE,
        stream=CASES_STREAM,
        filter_subjects=tuple(
            event_filter(model.event_type, model.event_version) for model in _EVENTS
        ),
        batch_handler=on_case_events,
        batch=100,
        shared_transaction=True,
    )
