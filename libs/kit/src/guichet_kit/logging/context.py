"""Request-scoped context shared by logs, errors and outgoing events.

`correlation_id_var` is set by `RequestContextMiddleware` for HTTP requests (and by message
consumers for events); `tenant_id_var` is set by `guichet_kit.db.tenancy.set_tenant`.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

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


def current_correlation_id() -> str | None:
    return correlation_id_var.get()
