"""The tenant: a municipality, keyed by its 5-digit NIS/REFNIS code (see the glossary in
docs/architecture.md). The code is the `tenant_id` of every row, event and object key, the
`organization` alias of a staff token, the `{nis}` of every municipality path and Open311's
`jurisdiction_id`; this module is the one place that says what such a code looks like.
Migrations keep the pattern as literal SQL: they are frozen history."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

# ASCII digits only: `\d` would also accept other Unicode digits (fullwidth, Arabic-Indic...).
NIS_PATTERN = r"^[0-9]{5}$"
_NIS_RE = re.compile(NIS_PATTERN)

TenantId = Annotated[str, StringConstraints(pattern=NIS_PATTERN)]


def is_tenant_id(value: object) -> bool:
    # fullmatch, not match: `$` also matches before a trailing newline.
    return isinstance(value, str) and _NIS_RE.fullmatch(value) is not None


def validate_tenant_id(value: str) -> str:
    """Return `value` if it is a NIS code, else raise ValueError."""
    if not is_tenant_id(value):
        raise ValueError(f"tenant id must be a 5-digit NIS code, got {value!r}")
    return value
