"""Notes, their files and the presigned links to files, as the API gives them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)
    visibility: Literal["internal", "public"]


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


class PublicAttachment(BaseModel):
    id: uuid.UUID
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    url: str = Field(description="presigned download URL, valid for a few minutes")
    thumbnail_url: str | None


class PhotoLink(BaseModel):
    """A photo of the report, as intake stored it: without EXIF or any other metadata."""

    photo_id: uuid.UUID
    content_type: str
    width: int
    height: int
    url: str = Field(description="presigned URL of the display image")
    thumbnail_url: str = Field(description="presigned URL of its thumbnail")
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
