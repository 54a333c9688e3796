"""Which case a report belongs to (its own, or the one it joined as a supporter)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Index, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin
from intake.models import Base


class CaseReport(TenantMixin, Base):
    __tablename__ = "case_report"
    __table_args__ = (
        Index("ix_case_report_case_id", "case_id"),
        {"comment": "report -> case, from case.created and case.merged"},
    )

    report_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    case_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
