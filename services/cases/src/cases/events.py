"""Queueing the case events in the outbox of the current transaction (a routed report queues
its event with its rows in one statement: `guichet_kit.bus.write_with_event`)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases.models import outbox
from guichet_contracts.envelope import Envelope
from guichet_contracts.payload import EventPayload
from guichet_kit.bus import add_to_outbox
from guichet_kit.logging.context import event_correlation_id


def envelope(tenant_id: str, payload: EventPayload, cause: Envelope | None = None) -> Envelope:
    """The envelope of `payload`: following `cause` when an event caused it."""
    if cause is not None:
        return Envelope.following(cause, payload)
    return Envelope.build(payload, tenant_id=tenant_id, correlation_id=event_correlation_id())


async def publish(
    session: AsyncSession, tenant_id: str, payload: EventPayload, cause: Envelope | None = None
) -> Envelope:
    queued = envelope(tenant_id, payload, cause)
    await add_to_outbox(session, outbox, queued)
    return queued
