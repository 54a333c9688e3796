"""API shapes of routing rules."""

from __future__ import annotations

from datetime import time
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from guichet_contracts.values import Confidentiality, Priority


class TimeWindowBody(BaseModel):
    """Local Europe/Brussels time. `start` after `end` runs across midnight and belongs to the
    day it starts on (Fri 22:00-06:00 covers Saturday 03:00). No times: the whole day."""

    model_config = ConfigDict(extra="forbid")

    weekdays: list[int] = Field(default_factory=list, description="ISO 1 = Monday; empty: all")
    start: time | None = None
    end: time | None = None


class RuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: UUID | None = Field(default=None, description="keep an existing rule's id; omit for new")
    position: int | None = Field(
        default=None,
        ge=0,
        description="as read; ignored on save: the order of the list is the evaluation order",
    )
    name: str = Field(min_length=1, max_length=200)
    categories: list[str] = Field(default_factory=list, description="empty: any category")
    area: dict[str, Any] | None = Field(default=None, description="GeoJSON (Multi)Polygon")
    time_window: TimeWindowBody | None = None
    keywords: list[str] = Field(default_factory=list, description="any; accent-insensitive")
    departments: list[str] = Field(description="department codes, lead first")
    priority: Priority
    sla_business_days: int = Field(ge=1, le=365)
    confidentiality: Confidentiality | None = Field(
        default=None, description="overrides the category's confidentiality"
    )


class RuleSetBody(BaseModel):
    """The whole ordered list: evaluated top to bottom, the first match wins."""

    model_config = ConfigDict(extra="forbid")

    rules: list[RuleBody] = Field(max_length=500)


class RuleView(RuleBody):
    """A stored rule: a valid `RuleBody` as it is, so a rule set read is saved back unchanged."""

    id: UUID
    position: int


class RuleSetView(BaseModel):
    rules: list[RuleView]
