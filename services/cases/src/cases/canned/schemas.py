"""Bodies of the canned-response endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from guichet_contracts.values import Language


class CannedIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=2000)


class CannedOut(BaseModel):
    id: uuid.UUID
    code: str
    language: Language
    title: str
    body: str
    updated_by: str
    updated_at: datetime
