"""Request and response bodies of the staff API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class NoteIn(Body):
    text: str = Field(min_length=1, max_length=5000)
    visibility: Literal["internal", "public"]


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


class CasePage(BaseModel):
    items: list[CaseSummary]
    page: int
    limit: int
    total: int


class HistoryOut(BaseModel):
    at: datetime
    action: str
    actor_kind: str
    actor_subject: str | None
    actor_name: str | None
    from_status: str | None
    to_status: str | None
    details: dict[str, Any]


class AttachmentOut(BaseModel):
    id: uuid.UUID
    note_id: uuid.UUID
    visibility: Literal["internal", "public"]
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    file_name: str | None
    created_at: datetime


class AttachmentLink(BaseModel):
    id: uuid.UUID
    url: str = Field(description="presigned download URL")
    thumbnail_url: str | None
    expires_in: int = Field(description="seconds the URLs stay valid")


class NoteOut(BaseModel):
    id: uuid.UUID
    visibility: Literal["internal", "public"]
    text: str
    author_kind: Literal["staff", "reporter"]
    author_subject: str | None
    author_name: str | None
    created_at: datetime
    attachments: list[AttachmentOut] = Field(default_factory=list)


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
