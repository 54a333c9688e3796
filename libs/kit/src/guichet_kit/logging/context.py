"""Request-scoped context shared by logs, errors and outgoing events.

`correlation_id_var` is set by `RequestContextMiddleware` for HTTP requests (and by message
consumers for events); `tenant_id_var` is set by `guichet_kit.db.tenancy.set_tenant`.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

from guichet_contracts.ids import uuid7

correlation_id_var: ContextVar[str | None] = ContextVar("guichet_correlation_id", default=None)
tenant_id_var: ContextVar[str | None] = ContextVar("guichet_tenant_id", default=None)

CORRELATION_ID_MAX_LENGTH = 128
# Covers UUIDs, W3C trace ids and most gateway request ids; excludes whitespace, quotes and
# anything that could be used to forge log lines or headers.
_CORRELATION_ID_RE = re.compile(rf"[A-Za-z0-9._:\-]{{1,{CORRELATION_ID_MAX_LENGTH}}}")


def new_correlation_id() -> str:
    return str(uuid.uuid4())


def is_valid_correlation_id(value: str) -> bool:
    return _CORRELATION_ID_RE.fullmatch(value) is not None


def event_correlation_id() -> uuid.UUID:
    """The correlation id for an event caused by the current request: the request's when it
    is a UUID (the middleware makes one when the client sent none), else a new UUIDv7."""
    current = correlation_id_var.get()
    try:
        return uuid.UUID(current) if current else uuid7()
    except ValueError:
        return uuid7()
