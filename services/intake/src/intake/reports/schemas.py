"""Request and response bodies of `/v1/reports` and the channel-independent draft."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from guichet_contracts.values import CODE_PATTERN, Channel, Language

MAX_ANSWER_LENGTH = 2000

Code = Annotated[str, Field(pattern=CODE_PATTERN)]
AnswerText = Annotated[str, StringConstraints(max_length=MAX_ANSWER_LENGTH)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        """PostgreSQL text cannot hold U+0000: refused here (422), not failed on write (500)."""
        if _holds_nul(data):
            raise ValueError("text may not contain the NUL character (U+0000)")
        return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class Location(_Input):
    lat: float = Field(ge=-90, le=90, description="WGS84 latitude")
    lon: float = Field(ge=-180, le=180, description="WGS84 longitude")


class Contact(_Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9 ().\/-]{6,30}$")

    @model_validator(mode="after")
    def _not_empty(self) -> Contact:
        if not (self.name or self.email or self.phone):
            raise ValueError("a contact needs a name, an e-mail address or a phone number")
        return self


class ReportDraft(_Input):
    """What every channel submits (the HTTP body, an Open311 request once mapped, ...)."""

    category: Code
    subcategory: Code | None = None
    description: str = Field(min_length=1, max_length=5000)
    location: Location
    address: str | None = Field(default=None, min_length=1, max_length=500)
    contact: Contact | None = Field(default=None, description="omit (or null) to stay anonymous")
    anonymous: bool = Field(
        default=False, description="explicitly anonymous; then no contact may be given"
    )
    channel: Channel = Channel.WEB
    answers: dict[Code, AnswerText | list[AnswerText]] = Field(
        default_factory=dict, description="question code → answer (list for multivaluelist)"
    )
    language: Language | None = Field(
        default=None, description="language of the reporter (default: Accept-Language)"
    )

    @model_validator(mode="after")
    def _anonymous_has_no_contact(self) -> ReportDraft:
        if self.anonymous and self.contact is not None:
            raise ValueError("an anonymous report cannot carry contact details")
        return self


class MunicipalityOut(BaseModel):
    nis: str
    name: str


class SubmissionReceipt(BaseModel):
    """Response to a submission. `tracking_token` is shown here only: keep it to follow the
    report without an account."""

    report_id: UUID
    tracking_number: str
    tracking_token: str
    municipality: MunicipalityOut
    submitted_at: datetime
    status: str = "received"


class PhotoSummary(BaseModel):
    photo_id: UUID
    width: int
    height: int


class ReportSummary(BaseModel):
    tracking_number: str
    municipality: MunicipalityOut
    submitted_at: datetime
    channel: Channel
    category: str
    subcategory: str | None
    description: str
    location: Location
    address: str | None
    photos: list[PhotoSummary]
