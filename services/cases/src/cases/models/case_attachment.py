"""A file attached to a note of a case: photos (cleaned, EXIF-free JPEG with a thumbnail) and,
for staff, PDFs. Its visibility is its note's: public ones are shown to the reporter."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_kit.db import TenantMixin


class CaseAttachment(TenantMixin, Base):
    __tablename__ = "case_attachment"
    __table_args__ = (
        CheckConstraint("visibility IN ('internal', 'public')", name="visibility"),
        CheckConstraint("size_bytes > 0", name="size_bytes"),
        {"comment": "files attached to case notes, stored in S3 under the tenant's prefix"},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(as_uuid=True), ForeignKey("case.id"), nullable=False, index=True
    )
    note_id: Mapped[uuid.UUID] = mapped_column(
        Uuid(as_uuid=True), ForeignKey("case_note.id"), nullable=False, index=True
    )
    visibility: Mapped[str] = mapped_column(Text, nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False, comment="S3 path under the tenant")
    thumbnail_path: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    file_name: Mapped[str | None] = mapped_column(Text, comment="name given by the uploader")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
