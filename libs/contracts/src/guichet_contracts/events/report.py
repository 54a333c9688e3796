"""A report accepted by intake, before routing."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from guichet_contracts.payload import EventPayload
from guichet_contracts.registry import register
from guichet_contracts.tenancy import NIS_PATTERN
from guichet_contracts.values import (
    CODE_PATTERN,
    Channel,
    ContractModel,
    GeoPoint,
    Language,
)


class Reporter(ContractModel):
    """Who reported. Contact details are optional (anonymous reports) and are personal data:
    consumers keep only what they need and anonymise it on the retention schedule."""

    kind: Literal["anonymous", "contact", "account"]
    account_subject: str | None = Field(default=None, description="OIDC subject when logged in")
    is_staff: bool = Field(default=False, description="a field agent or counter staff reported")
    language: Language
    name: str | None = None
    email: str | None = None
    phone: str | None = None


class PhotoRef(ContractModel):
    photo_id: UUID
    object_key: str = Field(description="tenant-prefixed S3 key of the display image (no EXIF)")
    thumbnail_key: str
    content_type: str
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    size_bytes: int = Field(ge=1)


class ReportContent(ContractModel):
    """What was reported; carried on to routing's decision so cases needs nothing else."""

    report_id: UUID
    tracking_number: str
    tracking_token_sha256: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{64}$",
        description="SHA-256 (hex) of the reporter's secret tracking token: lets a service "
        "check a presented token without holding the key that makes them",
    )
    submitted_at: AwareDatetime
    channel: Channel
    received_via: str | None = Field(
        default=None,
        pattern=NIS_PATTERN,
        description="municipality whose channel took the report, when not the one it is in",
    )
    category_code: str = Field(pattern=CODE_PATTERN)
    subcategory_code: str | None = Field(default=None, pattern=CODE_PATTERN)
    description: str = Field(max_length=5000)
    location: GeoPoint
    address: str | None = Field(default=None, max_length=500)
    reporter: Reporter
    photos: list[PhotoRef] = Field(default_factory=list, max_length=5)
    answers: dict[str, str | list[str]] = Field(
        default_factory=dict, description="answers to the category's extra questions"
    )


@register
class ReportSubmitted(EventPayload):
    event_type: ClassVar[str] = "report.submitted"
    event_version: ClassVar[int] = 1

    report: ReportContent
