"""A photo of a report: the cleaned display image and its thumbnail in S3 (tenant-owned)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ForeignKeyConstraint, Integer, SmallInteger, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin
from intake.models import Base


class Photo(TenantMixin, Base):
    __tablename__ = "photo"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "report_id"],
            ["intake.report.tenant_id", "intake.report.id"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("report_id", "position"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    report_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    object_key: Mapped[str] = mapped_column(Text, nullable=False)
    thumbnail_key: Mapped[str] = mapped_column(Text, nullable=False)
    content_type: Mapped[str] = mapped_column(Text, nullable=False)
    original_type: Mapped[str] = mapped_column(Text, nullable=False, comment="sniffed upload type")
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
