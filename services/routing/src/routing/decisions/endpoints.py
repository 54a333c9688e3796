"""`GET /v1/municipalities/{nis}/decisions/{report_id}` for the municipality's staff."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from guichet_contracts.roles import readable_levels
from guichet_contracts.values import Confidentiality, Priority
from guichet_kit.auth import NisPath
from routing.access import DecisionsReader
from routing.decisions.repository import decision_for
from routing.errors import DecisionNotFound

router = APIRouter(prefix="/v1/municipalities/{nis}/decisions", tags=["decisions"])


class RuleTrial(BaseModel):
    rule: str
    result: str


class DecisionView(BaseModel):
    report_id: UUID
    tracking_number: str
    category: str
    decided_at: datetime
    outcome: str
    duplicate_of_case_id: UUID | None
    handed_over_from: str | None
    departments: list[str]
    priority: Priority
    confidentiality: Confidentiality
    sla_business_days: int
    rule_id: UUID | None
    rule_name: str
    explanation: str
    rules_tried: list[RuleTrial]


@router.get("/{report_id}", summary="The routing decision for a report, and why it was taken")
async def get_decision(nis: NisPath, report_id: UUID, admitted: DecisionsReader) -> DecisionView:
    decision = await decision_for(admitted.session, report_id)
    readable = readable_levels(admitted.principal.roles)  # a confidential one is hidden
    if decision is None or Confidentiality(decision.confidentiality) not in readable:
        raise DecisionNotFound(report_id=str(report_id))
    return DecisionView(
        report_id=decision.report_id,
        tracking_number=decision.tracking_number,
        category=decision.category_code,
        decided_at=decision.decided_at,
        outcome=decision.outcome,
        duplicate_of_case_id=decision.duplicate_of_case_id,
        handed_over_from=decision.handed_over_from,
        departments=decision.departments,
        priority=Priority(decision.priority),
        confidentiality=Confidentiality(decision.confidentiality),
        sla_business_days=decision.sla_business_days,
        rule_id=decision.rule_id,
        rule_name=decision.rule_name,
        explanation=decision.explanation,
        rules_tried=[RuleTrial.model_validate(t) for t in decision.trace],
    )
