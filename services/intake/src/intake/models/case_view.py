"""Intake's projection of the cases (from the CASES stream), for the Open311 status of a report.

Intake does not own cases: it keeps only what Open311 shows of them (status, last public
message, department, due date, confidentiality) and which reports each case stands for.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import DateTime, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin
from intake.models import Base


class CaseView(TenantMixin, Base):
    __tablename__ = "case_view"
    __table_args__ = (
        UniqueConstraint("tenant_id", "case_id"),
        {"comment": "projection of case.* events: what Open311 shows of a case"},
    )

    case_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_number: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)
    confidentiality: Mapped[str] = mapped_column(Text, nullable=False)
    department: Mapped[str] = mapped_column(Text, nullable=False)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status_notes: Mapped[str | None] = mapped_column(
        Text, nullable=True, comment="last public message of the case"
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, comment="time of the last event applied"
    )
