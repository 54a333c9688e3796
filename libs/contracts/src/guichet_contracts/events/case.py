"""The life of a case, published by cases. No personal data of the reporter: consumers that
need contact details keep them from `report.submitted`, keyed by `report_id`."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from guichet_contracts.payload import EventPayload
from guichet_contracts.registry import register
from guichet_contracts.values import (
    CODE_PATTERN,
    Actor,
    CaseStatus,
    Confidentiality,
    ContractModel,
    GeoPoint,
    Priority,
)


@register
class CaseCreated(EventPayload):
    event_type: ClassVar[str] = "case.created"
    event_version: ClassVar[int] = 1

    case_id: UUID
    case_number: str = Field(description="per municipality and year, e.g. SPL-2026-000042")
    report_id: UUID
    tracking_number: str
    created_at: AwareDatetime
    category_code: str = Field(pattern=CODE_PATTERN)
    subcategory_code: str | None = Field(default=None, pattern=CODE_PATTERN)
    location: GeoPoint
    departments: list[str] = Field(min_length=1)
    priority: Priority
    confidentiality: Confidentiality
    status: CaseStatus
    due_at: AwareDatetime


@register
class CaseStatusChanged(EventPayload):
    event_type: ClassVar[str] = "case.status_changed"
    event_version: ClassVar[int] = 1

    case_id: UUID
    case_number: str
    from_status: CaseStatus
    to_status: CaseStatus
    public_message: str | None = Field(default=None, description="shown to the reporter")
    actor: Actor
    changed_at: AwareDatetime


@register
class CaseAssigned(EventPayload):
    event_type: ClassVar[str] = "case.assigned"
    event_version: ClassVar[int] = 1

    case_id: UUID
    case_number: str
    department_code: str = Field(pattern=CODE_PATTERN)
    team: str | None = None
    assignee_subject: str | None = None
    actor: Actor
    assigned_at: AwareDatetime


class AttachmentRef(ContractModel):
    attachment_id: UUID
    object_key: str
    content_type: str
    size_bytes: int = Field(ge=1)


@register
class CaseCommented(EventPayload):
    event_type: ClassVar[str] = "case.commented"
    event_version: ClassVar[int] = 1

    case_id: UUID
    case_number: str
    comment_id: UUID
    visibility: Literal["internal", "public"]
    author: Actor
    text: str | None = Field(default=None, description="only for public comments")
    attachments: list[AttachmentRef] = Field(default_factory=list)
    commented_at: AwareDatetime


@register
class CaseMerged(EventPayload):
    """Something joined this case: a new report as one more supporter (`report_id`), or a whole
    case found to be its duplicate (`merged_case_id`)."""

    event_type: ClassVar[str] = "case.merged"
    event_version: ClassVar[int] = 1

    case_id: UUID
    case_number: str
    report_id: UUID | None = None
    merged_case_id: UUID | None = None
    supporters: int = Field(ge=1, description="reports behind the case, the first one included")
    merged_at: AwareDatetime
