"""Base class of event payloads (the envelope's `data`).

Producers and consumers share one model per (type, version) but validate differently:

- Producers construct the model directly. `extra="forbid"` refuses unknown fields, so a typo or a
  field that is not part of the contract never reaches the wire.
- Consumers never construct it from the wire with the producer defaults: they go through
  `Envelope.payload()` or `EventRegistry.decode()`, which validate with the per-call override
  `extra="ignore"` (pydantic >= 2.12; it applies to nested models too). A field added later within
  the same major version, by a producer deployed before the consumer, is then dropped instead of
  failing the message.

Within one version only additive, optional changes are allowed; anything else is a new version
(a new `.vN` subject), guarded by `guichet_contracts.compat` against the committed JSON Schemas.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

# `<aggregate>.<event>`, both snake_case: each part is one NATS subject token.
EVENT_TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,62}\.[a-z][a-z0-9_]{0,62}$"
_EVENT_TYPE_RE = re.compile(EVENT_TYPE_PATTERN.removeprefix("^").removesuffix("$"))


class EventPayload(BaseModel):
    """Subclasses declare their identity as class variables::

    @register
    class ReportSubmitted(EventPayload):
        event_type: ClassVar[str] = "report.submitted"
        event_version: ClassVar[int] = 1

        report_id: UUID
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    event_version: ClassVar[int]

    @classmethod
    def event_identity(cls) -> tuple[str, int]:
        """(type, version) of this payload model, validated; raises TypeError if undeclared."""
        event_type = getattr(cls, "event_type", None)
        version = getattr(cls, "event_version", None)
        if not isinstance(event_type, str) or not is_event_type(event_type):
            raise TypeError(
                f"{cls.__qualname__}.event_type must be '<aggregate>.<event>' in snake_case, "
                f"got {event_type!r}"
            )
        if type(version) is not int or version < 1:
            raise TypeError(f"{cls.__qualname__}.event_version must be an int >= 1")
        return event_type, version


def is_event_type(value: str) -> bool:
    return _EVENT_TYPE_RE.fullmatch(value) is not None
