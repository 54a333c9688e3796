"""The tenant identifier shared by every contract: a municipality's 5-digit NIS/REFNIS code."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

# ASCII digits only: `\d` would also accept other Unicode digits (fullwidth, Arabic-Indic...).
TENANT_ID_PATTERN = r"^[0-9]{5}$"
_TENANT_ID_RE = re.compile(r"[0-9]{5}")

TenantId = Annotated[str, StringConstraints(pattern=TENANT_ID_PATTERN)]


def is_tenant_id(value: object) -> bool:
    return isinstance(value, str) and _TENANT_ID_RE.fullmatch(value) is not None


def validate_tenant_id(value: str) -> str:
    """Return `value` if it is a NIS code, else raise ValueError."""
    if not is_tenant_id(value):
        raise ValueError(f"tenant id must be a 5-digit NIS code, got {value!r}")
    return value
