"""A further report supporting a case (a duplicate linked to it by routing or by staff)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, LargeBinary, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_kit.db import TenantMixin


class CaseSupporter(TenantMixin, Base):
    __tablename__ = "case_supporter"
    __table_args__ = (
        UniqueConstraint("report_id"),
        {"comment": "reports linked to a case beyond its first one"},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(as_uuid=True), ForeignKey("case.id"), nullable=False, index=True
    )
    report_id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), nullable=False)
    tracking_number: Mapped[str] = mapped_column(Text, nullable=False)
    reporter_language: Mapped[str] = mapped_column(Text, nullable=False)
    reporter_contactable: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reporter_subject: Mapped[str | None] = mapped_column(
        Text, comment="OIDC subject of the reporter when they were logged in"
    )
    tracking_token_hash: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="SHA-256 of the reporter's secret tracking token"
    )
    merged_from_case_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid(as_uuid=True), comment="set when a whole case was merged into this one"
    )
    supported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
