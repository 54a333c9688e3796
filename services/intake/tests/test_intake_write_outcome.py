"""Which failures of the report's write leave its outcome unknown (photo objects then kept)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from intake.reports.errors import IdempotencyKeyReused
from intake.reports.service import _may_have_committed


@pytest.mark.parametrize(
    ("error", "unknown"),
    [
        (asyncpg.UniqueViolationError("duplicate key"), False),  # PostgreSQL rolled it back
        (asyncpg.InsufficientPrivilegeError("permission denied"), False),
        (IdempotencyKeyReused(), False),  # our refusal: nothing written
        (asyncpg.ConnectionDoesNotExistError("connection was closed"), True),
        (asyncio.CancelledError(), True),  # the client went away mid-write
        (TimeoutError(), True),
        (OSError("connection reset"), True),
    ],
)
def test_only_a_reported_error_says_the_write_did_not_happen(
    error: BaseException, unknown: bool
) -> None:
    assert _may_have_committed(error) is unknown
