"""Bodies of the staff endpoints of one case: the changes staff make, the case they see."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cases.notes.schemas import AttachmentOut, NoteOut
from guichet_contracts.values import CODE_PATTERN, CaseStatus, Confidentiality, Priority


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TransitionIn(Body):
    to: CaseStatus
    public_message: str | None = Field(default=None, max_length=2000)
    reason: str | None = Field(default=None, max_length=2000)
    planned_for: date | None = None
    duplicate_of: str | None = Field(default=None, description="number of the case it duplicates")
    canned_response: str | None = Field(
        default=None,
        pattern=CODE_PATTERN,
        description="code of a canned response: its text in the reporter's language becomes "
        "the public message (unless public_message is given)",
    )


class AssignmentIn(Body):
    department: str = Field(pattern=CODE_PATTERN)
    team: str | None = Field(default=None, max_length=200)
    assignee: str | None = Field(default=None, max_length=200, description="OIDC subject")
    assignee_name: str | None = Field(default=None, max_length=200)


class Point(BaseModel):
    lat: float
    lon: float


class CaseSummary(BaseModel):
    id: uuid.UUID
    number: str
    tracking_number: str
    status: CaseStatus
    priority: Priority
    confidentiality: Confidentiality
    category_code: str
    subcategory_code: str | None
    lead_department: str
    departments: list[str]
    team: str | None
    assignee_subject: str | None
    assignee_name: str | None
    description: str
    location: Point
    address: str | None
    supporters: int
    planned_for: date | None
    duplicate_of_case_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    overdue: bool


class HistoryOut(BaseModel):
    at: datetime
    action: str
    actor_kind: str
    actor_subject: str | None
    actor_name: str | None
    from_status: str | None
    to_status: str | None
    details: dict[str, Any]


class SupporterOut(BaseModel):
    report_id: uuid.UUID
    tracking_number: str
    reporter_language: str
    reporter_contactable: bool
    merged_from_case_id: uuid.UUID | None
    supported_at: datetime


class CaseDetail(CaseSummary):
    report_id: uuid.UUID
    channel: str
    photos: list[dict[str, Any]]
    answers: dict[str, Any]
    reporter_language: str
    reporter_contactable: bool
    routing_rule: dict[str, Any]
    attachments: list[AttachmentOut]
    reported_at: datetime
    history: list[HistoryOut]
    notes: list[NoteOut]
    supporter_reports: list[SupporterOut]
