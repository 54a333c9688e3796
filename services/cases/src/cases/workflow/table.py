"""The status workflow as data: which status may follow which, and what each target needs.

Reading the table is the whole rule set; no transition logic lives anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from guichet_contracts.values import CaseStatus

S = CaseStatus


class Requirement(StrEnum):
    PLANNED_FOR = "planned_for"
    REASON = "reason"
    DUPLICATE_OF = "duplicate_of"


OPEN_TARGETS = (S.ACKNOWLEDGED, S.IN_PROGRESS, S.PLANNED, S.ON_HOLD, S.RESOLVED, S.REJECTED)
REOPEN_TARGETS = (S.ACKNOWLEDGED, S.IN_PROGRESS)

# source -> allowed targets. `duplicate` is final: the case lives on in the one it joined.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.NEW: frozenset({*OPEN_TARGETS, S.DUPLICATE}),
    S.ACKNOWLEDGED: frozenset({*OPEN_TARGETS, S.DUPLICATE} - {S.ACKNOWLEDGED}),
    S.IN_PROGRESS: frozenset({S.PLANNED, S.ON_HOLD, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.PLANNED: frozenset({S.IN_PROGRESS, S.ON_HOLD, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.ON_HOLD: frozenset({S.IN_PROGRESS, S.PLANNED, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.RESOLVED: frozenset({S.CLOSED, *REOPEN_TARGETS}),
    S.CLOSED: frozenset(REOPEN_TARGETS),
    S.REJECTED: frozenset(REOPEN_TARGETS),
    S.DUPLICATE: frozenset(),
}

# What a transition *to* a status must carry.
REQUIREMENTS: dict[CaseStatus, frozenset[Requirement]] = {
    S.PLANNED: frozenset({Requirement.PLANNED_FOR}),
    S.REJECTED: frozenset({Requirement.REASON}),
    S.DUPLICATE: frozenset({Requirement.REASON, Requirement.DUPLICATE_OF}),
}

# No more work expected: not overdue, not a merge target.
CLOSED_STATUSES = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED, S.DUPLICATE})
REOPEN_SOURCES = frozenset({S.RESOLVED, S.CLOSED, S.REJECTED})


@dataclass(frozen=True)
class Move:
    source: CaseStatus
    target: CaseStatus

    @property
    def allowed(self) -> bool:
        return self.target in TRANSITIONS[self.source]

    @property
    def is_reopen(self) -> bool:
        return self.source in REOPEN_SOURCES and self.target in REOPEN_TARGETS

    @property
    def requirements(self) -> frozenset[Requirement]:
        return REQUIREMENTS.get(self.target, frozenset())


def allowed_targets(source: CaseStatus) -> list[CaseStatus]:
    """In the order of the enum, for stable messages."""
    return [status for status in CaseStatus if status in TRANSITIONS[source]]
