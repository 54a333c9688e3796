"""Event contracts shared by every Guichet service: envelope, payloads, registry."""

from guichet_contracts.envelope import (
    Envelope,
    EventTypeMismatchError,
    new_event_id,
    subject_filter,
    subject_for,
)
from guichet_contracts.payload import EventPayload
from guichet_contracts.registry import (
    EventRegistry,
    RegisteredEvent,
    UnknownEventError,
    register,
    registry,
)
from guichet_contracts.tenancy import NIS_PATTERN, TenantId, is_tenant_id, validate_tenant_id

__all__ = [
    "NIS_PATTERN",
    "Envelope",
    "EventPayload",
    "EventRegistry",
    "EventTypeMismatchError",
    "RegisteredEvent",
    "TenantId",
    "UnknownEventError",
    "is_tenant_id",
    "new_event_id",
    "register",
    "registry",
    "subject_filter",
    "subject_for",
    "validate_tenant_id",
]
