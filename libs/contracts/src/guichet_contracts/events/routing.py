"""Routing's decision for one report: which municipality and departments, how urgent, how
confidential, and why (the rule that matched)."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from guichet_contracts.events.report import ReportContent
from guichet_contracts.payload import EventPayload
from guichet_contracts.registry import register
from guichet_contracts.tenancy import NIS_PATTERN
from guichet_contracts.values import (
    Confidentiality,
    ContractModel,
    Priority,
)


class MatchedRule(ContractModel):
    """Why: the tenant's rule that matched, or the category's defaults (`rule_id` null)."""

    rule_id: UUID | None
    name: str
    explanation: str


@register
class RoutingDecided(EventPayload):
    event_type: ClassVar[str] = "routing.decided"
    event_version: ClassVar[int] = 1

    decided_at: AwareDatetime
    outcome: Literal["new_case", "duplicate"]
    duplicate_of_case_id: UUID | None = Field(
        default=None, description="the open case this report supports, when outcome=duplicate"
    )
    handed_over_from: str | None = Field(
        default=None,
        pattern=NIS_PATTERN,
        description="municipality whose channel received the report, when handed over",
    )
    departments: list[str] = Field(min_length=1, description="department codes, lead first")
    priority: Priority
    confidentiality: Confidentiality
    sla_business_days: int = Field(ge=1, le=365)
    rule: MatchedRule
    report: ReportContent
