"""Transactional outbox: an event is a row written in the same transaction as the change.

The relay deletes a row once JetStream has acknowledged it: the stream is the event log,
the outbox is only a queue, so it stays small and the claim query stays fast.
Infrastructure table: no tenant RLS (the relay reads every tenant's rows).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from uuid import UUID

import asyncpg
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from guichet_contracts.envelope import Envelope
from guichet_kit.db.driver import Row, insert_rows, send_rows

OUTBOX_TABLE = "outbox"
# NATS refuses a message over its max_payload (1 MiB by default); room is kept for headers.
MAX_EVENT_BYTES = 1024 * 1024 - 16 * 1024
QUEUED_EVENTS = "guichet.queued_events"  # Session.info key: events queued in its transaction


def outbox_table(metadata: MetaData, schema: str | None = None) -> Table:
    """Rows wait here until published. `payload` is the exact JSON sent (bytea: published
    byte for byte, no re-serialisation); `available_at` delays retries of a failing row
    without holding back the rows behind it."""
    return Table(
        OUTBOX_TABLE,
        metadata,
        Column("id", Uuid(as_uuid=True), primary_key=True, comment="event id = Nats-Msg-Id"),
        Column("subject", Text, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("headers", JSONB, nullable=False, server_default="{}"),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("available_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text, nullable=True),
        Index(f"ix_{OUTBOX_TABLE}_created_at_id", "created_at", "id"),
        schema=schema,
        comment="transactional outbox; no RLS: the relay publishes every tenant's events",
    )


class EventTooLargeError(ValueError):
    """An event NATS would refuse: queued, it could never be published."""


@dataclass(frozen=True)
class QueuedEvent:
    """An outbox row: what the relay publishes (`payload` byte for byte)."""

    id: UUID
    subject: str
    payload: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, envelope: Envelope, headers: Mapping[str, str] | None = None) -> QueuedEvent:
        payload = envelope.to_bytes()
        if len(payload) > MAX_EVENT_BYTES:
            raise EventTooLargeError(
                f"{envelope.type} is {len(payload)} bytes, over the {MAX_EVENT_BYTES} an event "
                "may carry"
            )
        return cls(envelope.id, envelope.subject, payload, dict(headers or {}))


HandOver = Callable[[Sequence[QueuedEvent]], None]  # committed events, to the relay


def outbox_row(table: Table, queued: QueuedEvent) -> Row:
    """The outbox row of `queued`, to write with other rows (`write_with_event`)."""
    values = {
        "id": queued.id,
        "subject": queued.subject,
        "payload": queued.payload,
        "headers": dict(queued.headers),
    }
    return Row(table, values)


async def add_to_outbox(
    session: AsyncSession,
    table: Table,
    envelope: Envelope,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Queue `envelope` in the caller's transaction (never commits)."""
    await write_with_event(session, (), table, envelope, headers)


async def write_with_event(
    session: AsyncSession,
    rows: Sequence[Row],
    table: Table,
    envelope: Envelope,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Insert `rows` and queue `envelope` in the outbox `table`, in the caller's transaction
    and in one statement through the driver (ADR 0020). Once committed, the event is handed
    to this process's relay (`guichet_kit.bus.handover`)."""
    await write_with_events(session, rows, table, [envelope], headers)


async def write_with_events(
    session: AsyncSession,
    rows: Sequence[Row],
    table: Table,
    envelopes: Sequence[Envelope],
    headers: Mapping[str, str] | None = None,
) -> None:
    """`write_with_event` for the events of several changes (a batch handled together):
    still one statement, whatever their number."""
    queued = [QueuedEvent.of(envelope, headers) for envelope in envelopes]
    await insert_rows(session, [*rows, *(outbox_row(table, event) for event in queued)])
    session.info.setdefault(QUEUED_EVENTS, []).extend(queued)


async def commit_with_events(
    connection: asyncpg.Connection,
    hand_over: HandOver,
    rows: Sequence[Row],
    table: Table,
    envelopes: Sequence[Envelope],
    *,
    tenant: str | None = None,
    claim: Row | None = None,
) -> bool:
    """`write_with_events` as one statement that is its own transaction, on a connection
    outside any (bound to `tenant`, gated by `claim`: `guichet_kit.db.driver.send_rows`).
    Once it has committed, the events go to `hand_over` (the relay, ADR 0015). False, and
    nothing written, when the claim was already taken."""
    if connection.is_in_transaction():
        raise RuntimeError("commit_with_events commits its statement: not inside a transaction")
    queued = [QueuedEvent.of(envelope) for envelope in envelopes]
    outbox = [outbox_row(table, event) for event in queued]
    written = await send_rows(connection, [*rows, *outbox], tenant=tenant, claim=claim)
    if written:
        hand_over(queued)
    return written
