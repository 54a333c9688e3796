"""A note on a case: internal (staff only, never shown to the reporter) or public; written by
staff, or by the reporter (always public, no subject when they came with their token)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_kit.db import TenantMixin


class CaseNote(TenantMixin, Base):
    __tablename__ = "case_note"
    __table_args__ = (
        CheckConstraint("visibility IN ('internal', 'public')", name="visibility"),
        CheckConstraint("author_kind IN ('staff', 'reporter')", name="author_kind"),
        CheckConstraint("author_kind = 'staff' OR visibility = 'public'", name="reporter_public"),
        {"comment": "staff notes and public updates on a case"},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(as_uuid=True), ForeignKey("case.id"), nullable=False, index=True
    )
    visibility: Mapped[str] = mapped_column(Text, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    author_kind: Mapped[str] = mapped_column(Text, nullable=False, server_default="staff")
    author_subject: Mapped[str | None] = mapped_column(Text)
    author_name: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
