"""What a reporter sees of their case: public facts and the public timeline, nothing internal."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from cases.notes.schemas import PhotoLink, PublicAttachment
from guichet_contracts.values import CaseStatus


class Named(BaseModel):
    code: str
    name: str


class PublicAuthor(BaseModel):
    kind: Literal["reporter", "staff", "municipality"]
    name: str | None = Field(
        default=None, description="a staff member's name only where the municipality allows it"
    )
    department: str | None = Field(default=None, description="the department's name")


class TimelineEntry(BaseModel):
    at: datetime
    kind: Literal["status", "comment"]
    status: CaseStatus | None = None
    status_label: str | None = None
    message: str | None = Field(default=None, description="public message or comment text")
    author: PublicAuthor | None = None
    attachments: list[PublicAttachment] = Field(default_factory=list)


class ReporterCaseView(BaseModel):
    case_number: str
    tracking_number: str = Field(description="the tracking number that was asked for")
    status: CaseStatus
    status_label: str
    category: Named
    municipality: Named
    reported_at: datetime
    created_at: datetime
    updated_at: datetime
    planned_for: date | None
    supporters: int
    restricted: bool = Field(
        description="confidential case: the reporter sees its status and dates only"
    )
    photos: list[PhotoLink] = Field(
        description="the photos of your own report (not those of others who reported the same)"
    )
    timeline: list[TimelineEntry]


class CommentReceipt(BaseModel):
    comment_id: uuid.UUID
    at: datetime
    attachments: list[uuid.UUID]


class MyCase(BaseModel):
    """One of a logged-in citizen's reports and the case it is part of."""

    tracking_number: str
    case_number: str
    status: CaseStatus
    status_label: str
    category: Named
    municipality: Named
    reported_at: datetime
    updated_at: datetime
    restricted: bool
