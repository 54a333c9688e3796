"""Consumer of `routing.decided` v1."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from cases.creation.service import apply_decisions
from guichet_contracts.envelope import Envelope
from guichet_kit.bus import ROUTING_STREAM, ConsumerSpec, event_filter

DURABLE = "cases-routing-decided"

# A duplicate whose case is missing fails until the case appears (ADR 0021): usually a moment
# later (the opening decision committing in another replica, or retried), so the first
# retries come within a second; the wait still lasts ~2.5 minutes before the duplicate opens
# a case of its own on its last delivery, as with the kit's default backoff.
RETRY_DELAYS = (0.1, 0.2, 0.3, 0.4, 0.5, 1.0, 5.0, 30.0, 120.0)


async def on_routing_decisions(session: AsyncSession, envelopes: Sequence[Envelope]) -> None:
    """One tenant's decisions of a fetched batch, in stream order, the session bound to that
    tenant (a single decision when the batch failed and each event is retried alone)."""
    await apply_decisions(session, envelopes[0].tenant_id, envelopes)


def routing_decided_consumer() -> ConsumerSpec:
    return ConsumerSpec(
        durable=DURABLE,
        stream=ROUTING_STREAM,
        filter_subjects=(event_filter("routing.decided", 1),),
        batch_handler=on_routing_decisions,
        batch=100,
        shared_transaction=True,
        backoff=RETRY_DELAYS,
        max_deliver=len(RETRY_DELAYS) + 1,
    )
