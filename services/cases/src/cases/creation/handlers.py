"""Consumer of `routing.decided` v1."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cases.creation.service import apply_decision
from guichet_contracts.envelope import Envelope
from guichet_kit.bus import ROUTING_STREAM, ConsumerSpec, event_filter

DURABLE = "cases-routing-decided"


async def on_routing_decided(session: AsyncSession, envelope: Envelope) -> None:
    await apply_decision(session, envelope.tenant_id, envelope)


def routing_decided_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        durable=DURABLE,
        stream=ROUTING_STREAM,
        filter_subjects=(event_filter("routing.decided", 1),),
        handler=on_routing_decided,
        batch=100,
        shared_transaction=True,
    )
