"""Value types shared by several events: languages, labels, points, enums of the domain."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Language = Literal["fr", "nl", "de", "en"]
LANGUAGES: Final[tuple[Language, ...]] = get_args(Language)
"""The languages Guichet speaks: every label, message and answer exists in each."""
OfficialLanguage = Literal["fr", "nl", "de"]
OFFICIAL_LANGUAGES: Final[tuple[OfficialLanguage, ...]] = get_args(OfficialLanguage)
"""The official languages a Belgian municipality may have (English is not one)."""

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$"


class ContractModel(BaseModel):
    """Nested value object of an event: strict for producers, like `EventPayload`."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(ContractModel):
    """A text in the four languages Guichet speaks."""

    fr: str = Field(min_length=1)
    nl: str = Field(min_length=1)
    de: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: Language) -> str:
        return str(getattr(self, language))


def pick_label(labels: Mapping[str, str], language: str, fallback: str) -> str:
    """The text of stored `labels` (a `Labels` as JSON) in `language`, else in English, else
    `fallback` (e.g. the code it names) when the entry has none."""
    return labels.get(language) or labels.get("en") or fallback


class GeoPoint(ContractModel):
    """WGS84 (EPSG:4326)."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Confidentiality(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"


class Channel(StrEnum):
    WEB = "web"
    AGENT_APP = "agent_app"
    COUNTER = "counter"
    PHONE = "phone"
    EMAIL = "email"
    OPEN311 = "open311"


class CaseStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    PLANNED = "planned"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


class ActorKind(StrEnum):
    STAFF = "staff"
    REPORTER = "reporter"
    SYSTEM = "system"


class Actor(ContractModel):
    """Who did something. `subject` is the OIDC subject; never a national register number."""

    kind: ActorKind
    subject: str | None = None
    display_name: str | None = None
