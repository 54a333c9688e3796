"""A municipality's settings of the cases service (absent row = the defaults)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_kit.db import TenantMixin


class CaseSettings(TenantMixin, Base):
    __tablename__ = "case_settings"
    __table_args__ = ({"comment": "per-municipality settings of case handling"},)

    tenant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    show_staff_names: Mapped[bool] = mapped_column(
        Boolean,
        nullable=False,
        comment="reporters see staff names (else the department's name only)",
    )
    updated_by: Mapped[str] = mapped_column(Text, nullable=False, comment="OIDC subject")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
