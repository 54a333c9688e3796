"""SQL identifier checks and quoting for DDL that cannot use bind parameters."""

from __future__ import annotations

import re

_IDENTIFIER_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def checked_identifier(name: str) -> str:
    """Schema/role/table names we generate DDL for: lowercase, unquoted-safe, ≤ 63 bytes."""
    if not _IDENTIFIER_RE.fullmatch(name):
        raise ValueError(f"invalid SQL identifier {name!r} (expected [a-z_][a-z0-9_]*)")
    return name


def quote_ident(name: str) -> str:
    return '"' + checked_identifier(name).replace('"', '""') + '"'


def qualified(table: str, schema: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(table)}"
