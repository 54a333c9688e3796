"""Event bus over NATS JetStream.

Producing side: `add_to_outbox` in the domain transaction, `OutboxRelay` publishes
(`Nats-Msg-Id` = event id). Consuming side: `EventConsumer` (durable pull, inbox,
ack after commit, nak with backoff, dead letters). `BusComponent` wires both into an app.
"""

from guichet_kit.bus.component import BusComponent, BusNotReadyError
from guichet_kit.bus.connection import NatsConnection, NotConnectedError
from guichet_kit.bus.consumer import (
    BatchHandler,
    ConsumerSpec,
    EventConsumer,
    Handler,
    InvalidEventError,
    last_delivery,
)
from guichet_kit.bus.deadletter import DL_HEADER_PREFIX, DeadLetter
from guichet_kit.bus.handover import relay_hand_over
from guichet_kit.bus.inbox import claim, inbox_table, prune_inbox
from guichet_kit.bus.outbox import (
    MAX_EVENT_BYTES,
    EventTooLargeError,
    HandOver,
    QueuedEvent,
    add_to_outbox,
    commit_with_events,
    outbox_row,
    outbox_table,
    write_with_event,
    write_with_events,
)
from guichet_kit.bus.platform_streams import (
    CASES_STREAM,
    DIRECTORY_STREAM,
    INTAKE_STREAM,
    ROUTING_STREAM,
)
from guichet_kit.bus.relay import OutboxRelay, RelayStats
from guichet_kit.bus.subjects import (
    DEADLETTER,
    StreamSpec,
    SubjectError,
    deadletter_subject,
    ensure_streams,
    event_filter,
)

__all__ = [
    "CASES_STREAM",
    "DEADLETTER",
    "DIRECTORY_STREAM",
    "DL_HEADER_PREFIX",
    "INTAKE_STREAM",
    "MAX_EVENT_BYTES",
    "ROUTING_STREAM",
    "BatchHandler",
    "BusComponent",
    "BusNotReadyError",
    "ConsumerSpec",
    "DeadLetter",
    "EventConsumer",
    "EventTooLargeError",
    "HandOver",
    "Handler",
    "InvalidEventError",
    "NatsConnection",
    "NotConnectedError",
    "OutboxRelay",
    "QueuedEvent",
    "RelayStats",
    "StreamSpec",
    "SubjectError",
    "add_to_outbox",
    "claim",
    "commit_with_events",
    "deadletter_subject",
    "ensure_streams",
    "event_filter",
    "inbox_table",
    "last_delivery",
    "outbox_row",
    "outbox_table",
    "prune_inbox",
    "relay_hand_over",
    "write_with_event",
    "write_with_events",
]
