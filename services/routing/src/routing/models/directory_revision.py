"""The revision of each municipality's published directory snapshot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin
from routing.models import Base


class DirectoryRevision(TenantMixin, Base):
    __tablename__ = "directory_revision"
    __table_args__ = (CheckConstraint("revision >= 1", name="revision_positive"),)

    tenant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
