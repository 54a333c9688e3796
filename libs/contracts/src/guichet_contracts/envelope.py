"""The envelope every event travels in, and its NATS subject.

The envelope is not generic over the payload: the outbox relay, the dead-letter handler and
any consumer must be able to read an envelope before knowing (or without knowing) the payload
model, so `data` is the payload's JSON object. Producers build it from a typed payload with
`Envelope.build()`/`Envelope.following()`; consumers get the typed payload back with
`Envelope.payload(Model)` or `EventRegistry.decode(envelope)`.

Strictness follows the payload rule (see `guichet_contracts.payload`): constructing an envelope
forbids unknown fields, `Envelope.from_bytes()` ignores them, so a field added to the envelope
later does not break consumers that were deployed before it.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

from pydantic import UUID7, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from guichet_contracts.ids import uuid7
from guichet_contracts.payload import EVENT_TYPE_PATTERN, EventPayload
from guichet_contracts.tenancy import TenantId, validate_tenant_id

SUBJECT_ROOT = "guichet"

P = TypeVar("P", bound=EventPayload)


class EventTypeMismatchError(ValueError):
    """The envelope's (type, version) is not the one of the payload model asked for."""


def new_event_id() -> UUID:
    """A UUIDv7: time-ordered (ms timestamp, then a per-process monotonic counter); see `ids`."""
    return uuid7()


def utcnow() -> datetime:
    return datetime.now(UTC)


def subject_for(tenant_id: str, event_type: str, version: int) -> str:
    """`guichet.<tenant>.<aggregate>.<event>.v<version>` (event_type is `<aggregate>.<event>`)."""
    return f"{SUBJECT_ROOT}.{validate_tenant_id(tenant_id)}.{event_type}.v{version}"


def subject_filter(aggregate: str, tenant_id: str = "*") -> str:
    """JetStream filter for every event of one aggregate, all tenants by default:
    `guichet.*.report.>`."""
    return f"{SUBJECT_ROOT}.{tenant_id}.{aggregate}.>"


class Envelope(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        # The published schema describes the wire: every field is always present there.
        json_schema_serialization_defaults_required=True,
        title="Envelope",
    )

    id: UUID7 = Field(default_factory=new_event_id)
    type: Annotated[str, Field(pattern=EVENT_TYPE_PATTERN, description="<aggregate>.<event>")]
    version: Annotated[int, Field(ge=1, strict=True, description="Major version of the payload")]
    occurred_at: AwareDatetime = Field(default_factory=utcnow)
    tenant_id: TenantId
    correlation_id: UUID
    causation_id: UUID | None = None
    data: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def build(
        cls,
        payload: EventPayload,
        *,
        tenant_id: str,
        correlation_id: UUID,
        causation_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Envelope:
        """Envelope for a new event; type and version come from the payload's model."""
        event_type, version = type(payload).event_identity()
        return cls(
            type=event_type,
            version=version,
            occurred_at=occurred_at or utcnow(),
            tenant_id=tenant_id,
            correlation_id=correlation_id,
            causation_id=causation_id,
            data=payload.model_dump(mode="json", by_alias=True),
        )

    @classmethod
    def following(
        cls, cause: Envelope, payload: EventPayload, *, occurred_at: datetime | None = None
    ) -> Envelope:
        """Envelope for an event caused by `cause`: same tenant and correlation, causation =
        the cause's id."""
        return cls.build(
            payload,
            tenant_id=cause.tenant_id,
            correlation_id=cause.correlation_id,
            causation_id=cause.id,
            occurred_at=occurred_at,
        )

    @property
    def aggregate(self) -> str:
        return self.type.partition(".")[0]

    @property
    def event(self) -> str:
        return self.type.partition(".")[2]

    @property
    def subject(self) -> str:
        return subject_for(self.tenant_id, self.type, self.version)

    def payload(self, model: builtins.type[P]) -> P:
        """The typed payload, validated the consumer's way (unknown fields ignored)."""
        if model.event_identity() != (self.type, self.version):
            raise EventTypeMismatchError(
                f"envelope is {self.type} v{self.version}, not {model.__qualname__} "
                f"({model.event_type} v{model.event_version})"
            )
        return model.model_validate(self.data, extra="ignore")

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Envelope:
        """Parse a received envelope; unknown envelope fields are ignored (consumer side)."""
        return cls.model_validate_json(raw, extra="ignore")
