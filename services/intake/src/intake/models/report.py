"""A report as intake accepted it (tenant-owned). Routing and cases get it from the event."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from geoalchemy2 import WKBElement
from sqlalchemy import Boolean, DateTime, Text, UniqueConstraint, Uuid
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin, geo_point
from intake.models import Base


class Report(TenantMixin, Base):
    __tablename__ = "report"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id"),
        UniqueConstraint("tenant_id", "tracking_number"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    tracking_number: Mapped[str] = mapped_column(Text, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    channel: Mapped[str] = mapped_column(Text, nullable=False)
    received_via: Mapped[str | None] = mapped_column(Text, nullable=True)
    category_code: Mapped[str] = mapped_column(Text, nullable=False)
    subcategory_code: Mapped[str | None] = mapped_column(Text, nullable=True)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[WKBElement] = mapped_column(geo_point(), nullable=False)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(Text, nullable=False)
    reporter_kind: Mapped[str] = mapped_column(Text, nullable=False)
    account_subject: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)
    is_staff: Mapped[bool] = mapped_column(Boolean, nullable=False)
    contact_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_email: Mapped[str | None] = mapped_column(Text, nullable=True)
    contact_phone: Mapped[str | None] = mapped_column(Text, nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    correlation_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
