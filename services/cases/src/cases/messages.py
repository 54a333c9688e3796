"""Labels cases shows for its enumerations, in the reader's language (texts in cases'
catalogue, ``cases/locale``)."""

from __future__ import annotations

from guichet_contracts.values import CaseStatus
from guichet_kit.i18n import N_, translate

STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.NEW: N_("case.status.new"),
    CaseStatus.ACKNOWLEDGED: N_("case.status.acknowledged"),
    CaseStatus.IN_PROGRESS: N_("case.status.in_progress"),
    CaseStatus.PLANNED: N_("case.status.planned"),
    CaseStatus.ON_HOLD: N_("case.status.on_hold"),
    CaseStatus.RESOLVED: N_("case.status.resolved"),
    CaseStatus.CLOSED: N_("case.status.closed"),
    CaseStatus.REJECTED: N_("case.status.rejected"),
    CaseStatus.DUPLICATE: N_("case.status.duplicate"),
}

# By the value of `workflow.table.Requirement` (errors, which render them, sit below the
# workflow and do not import it).
REQUIREMENT_LABELS: dict[str, str] = {
    "planned_for": N_("case.requirement.planned_for"),
    "reason": N_("case.requirement.reason"),
    "duplicate_of": N_("case.requirement.duplicate_of"),
}


def status_label(status: CaseStatus, lang: str) -> str:
    return translate(STATUS_LABELS[status], lang)


def requirement_label(requirement: str, lang: str) -> str:
    return translate(REQUIREMENT_LABELS[requirement], lang)
