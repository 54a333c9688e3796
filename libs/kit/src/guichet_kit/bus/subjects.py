"""JetStream streams and the subjects the kit adds to those of `guichet_contracts`.

Events travel on `guichet.<tenant>.<aggregate>.<event>.v<major>` (`Envelope.subject`). Each
producing service owns one stream capturing its aggregates (`guichet.*.<aggregate>.>`).
Dead letters go to `deadletter.<durable>` in the `DEADLETTER` stream.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

from guichet_contracts.envelope import SUBJECT_ROOT, subject_filter
from guichet_contracts.payload import is_event_type
from guichet_contracts.tenancy import validate_tenant_id

DEADLETTER_ROOT = "deadletter"

# JetStream error code for "stream name already in use with a different configuration".
_STREAM_NAME_IN_USE = 10058

_TOKEN = re.compile(r"^[A-Za-z0-9_-]+$")

logger = logging.getLogger(__name__)


class SubjectError(ValueError):
    """A name that cannot be used as a subject token."""


def _token(value: str, what: str) -> str:
    if not _TOKEN.match(value):
        raise SubjectError(f"{what} {value!r} is not a valid subject token")
    return value


def event_filter(event_type: str, version: int, tenant_id: str = "*") -> str:
    """Consumer filter for one event type and major version (all tenants by default):
    `guichet.*.report.submitted.v1`."""
    if not is_event_type(event_type) or version < 1:
        raise SubjectError(f"not an event type and version: {event_type!r} v{version}")
    tenant = tenant_id if tenant_id == "*" else validate_tenant_id(tenant_id)
    return f"{SUBJECT_ROOT}.{tenant}.{event_type}.v{version}"


def deadletter_subject(durable: str) -> str:
    return f"{DEADLETTER_ROOT}.{_token(durable, 'durable')}"


@dataclass(frozen=True)
class StreamSpec:
    """One JetStream stream. File storage, limits retention, duplicate window for
    ``Nats-Msg-Id`` de-duplication (must exceed the relay's longest retry delay).

    `max_age` of zero keeps messages forever; `max_msgs_per_subject` (-1: unlimited) keeps
    only the last N messages of each subject, e.g. 1 for "latest snapshot per tenant"."""

    name: str
    subjects: tuple[str, ...]
    max_age: timedelta = timedelta(days=30)
    duplicate_window: timedelta = timedelta(minutes=2)
    max_bytes: int = -1
    max_msg_size: int = 1024 * 1024
    max_msgs_per_subject: int = -1
    replicas: int = 1
    description: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.max_age < timedelta(0):
            raise ValueError(f"stream {self.name}: max_age must be zero (no limit) or positive")
        if self.max_msgs_per_subject == 0 or self.max_msgs_per_subject < -1:
            raise ValueError(f"stream {self.name}: max_msgs_per_subject must be -1 or >= 1")

    @classmethod
    def for_aggregates(
        cls,
        name: str,
        aggregates: Iterable[str],
        *,
        max_age: timedelta = timedelta(days=30),
        max_msgs_per_subject: int = -1,
        replicas: int = 1,
    ) -> StreamSpec:
        """Stream of a producing service: every tenant, every event of its aggregates."""
        subjects = tuple(subject_filter(_token(a, "aggregate")) for a in sorted(set(aggregates)))
        if not subjects:
            raise SubjectError(f"stream {name} needs at least one aggregate")
        return cls(
            name,
            subjects,
            max_age=max_age,
            max_msgs_per_subject=max_msgs_per_subject,
            replicas=replicas,
        )

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name,
            description=self.description,
            subjects=list(self.subjects),
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            storage=StorageType.FILE,
            max_age=self.max_age.total_seconds(),
            max_bytes=self.max_bytes,
            max_msg_size=self.max_msg_size,
            max_msgs_per_subject=self.max_msgs_per_subject,
            duplicate_window=self.duplicate_window.total_seconds(),
            num_replicas=self.replicas,
        )


DEADLETTER = StreamSpec(
    name="DEADLETTER",
    subjects=(f"{DEADLETTER_ROOT}.>",),
    max_age=timedelta(days=90),
    description="Messages a consumer gave up on, with the reason in Guichet-DL-* headers",
)


async def ensure_streams(js: JetStreamContext, specs: Iterable[StreamSpec]) -> None:
    """Create each stream, or update it when its configuration changed. Idempotent."""
    for spec in specs:
        config = spec.config()
        try:
            await js.add_stream(config)
        except BadRequestError as exc:
            if exc.err_code != _STREAM_NAME_IN_USE:
                raise
            await js.update_stream(config)
            logger.info("stream updated", extra={"stream": spec.name})
