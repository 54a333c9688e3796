"""A report's Open311 status: `closed` once its case is resolved, closed, rejected or a
duplicate; `open` otherwise, including before any case exists."""

from __future__ import annotations

from guichet_contracts.values import CaseStatus

CLOSED_STATUSES = frozenset(
    {CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.DUPLICATE}
)
OPEN311_STATUSES = ("open", "closed")


def open311_status(case_status: str | None) -> str:
    return "closed" if case_status in CLOSED_STATUSES else "open"
