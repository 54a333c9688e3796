"""Routing's decision for one report, and why it was taken (the rule that matched)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, DateTime, SmallInteger, Text, Uuid
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_contracts.ids import uuid7
from guichet_kit.db import TenantMixin
from routing.models import Base

OUTCOMES = ("new_case", "duplicate")


class Decision(TenantMixin, Base):
    __tablename__ = "decision"
    __table_args__ = (
        CheckConstraint("outcome IN ('new_case', 'duplicate')", name="outcome"),
        CheckConstraint(
            "(outcome = 'duplicate') = (duplicate_of_case_id IS NOT NULL)", name="duplicate_of"
        ),
        CheckConstraint("cardinality(departments) >= 1", name="departments_present"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    report_id: Mapped[UUID] = mapped_column(Uuid, nullable=False, unique=True)
    tracking_number: Mapped[str] = mapped_column(Text, nullable=False)
    category_code: Mapped[str] = mapped_column(Text, nullable=False)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    outcome: Mapped[str] = mapped_column(Text, nullable=False)
    duplicate_of_case_id: Mapped[UUID | None] = mapped_column(Uuid, nullable=True)
    handed_over_from: Mapped[str | None] = mapped_column(Text, nullable=True)
    departments: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    priority: Mapped[str] = mapped_column(Text, nullable=False)
    confidentiality: Mapped[str] = mapped_column(Text, nullable=False)
    sla_business_days: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    rule_id: Mapped[UUID | None] = mapped_column(Uuid, nullable=True)
    rule_name: Mapped[str] = mapped_column(Text, nullable=False)
    explanation: Mapped[str] = mapped_column(Text, nullable=False)
    trace: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, comment="each rule tried and the condition that failed"
    )
    event_id: Mapped[UUID] = mapped_column(Uuid, nullable=False, comment="routing.decided id")
