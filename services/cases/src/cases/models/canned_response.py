"""Canned responses: a municipality's ready-made public messages, one text per language."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_contracts.values import LANGUAGES
from guichet_kit.db import TenantMixin

LANGUAGE_CHECK = "language IN ({})".format(", ".join(f"'{language}'" for language in LANGUAGES))


class CannedResponse(TenantMixin, Base):
    __tablename__ = "canned_response"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code", "language"),
        CheckConstraint(LANGUAGE_CHECK, name="language"),
        {"comment": "ready-made public messages per municipality and language"},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), primary_key=True)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    language: Mapped[str] = mapped_column(Text, nullable=False)
    title: Mapped[str] = mapped_column(Text, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    updated_by: Mapped[str] = mapped_column(Text, nullable=False, comment="OIDC subject")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
