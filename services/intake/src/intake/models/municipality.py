"""Projection of routing's municipalities (from `directory.published`).

Public reference data, not tenant-RLS on purpose: intake finds which municipality contains a
report's point before it knows the tenant.
"""

from __future__ import annotations

from datetime import datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import DateTime, Index, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from intake.models import Base


class Municipality(Base):
    __tablename__ = "municipality"
    __table_args__ = (
        Index("ix_municipality_boundary", "boundary", postgresql_using="gist"),
        {"comment": "projection of directory.published; public data, no RLS"},
    )

    nis: Mapped[str] = mapped_column(Text, primary_key=True)
    names: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    case_prefix: Mapped[str] = mapped_column(Text, nullable=False)
    boundary: Mapped[WKBElement] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False
    )
    revision: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="directory revision this row comes from"
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
