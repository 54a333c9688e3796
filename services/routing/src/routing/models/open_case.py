"""Routing's projection of the cases that are still open, for duplicate detection.

Fed by cases' events (`case.created`, `case.status_changed`, `case.merged`); never read from
the cases service's tables.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from geoalchemy2 import Geography, WKBElement
from sqlalchemy import DateTime, Double, Index, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin
from routing.models import Base

OPEN_STATUSES = ("new", "acknowledged", "in_progress", "planned", "on_hold")


class OpenCase(TenantMixin, Base):
    __tablename__ = "open_case"
    # Under row-level security an index answers only leak-proof conditions, which the spatial
    # operators are not: the duplicate search narrows to a latitude band through the btree
    # (plain float comparisons), then measures distances (migration 9a4c6e1b2d37).
    __table_args__ = (
        Index("ix_open_case_location", "location", postgresql_using="gist"),
        Index("ix_open_case_tenant_id_category_code_lat", "tenant_id", "category_code", "lat"),
    )

    case_id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    category_code: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[WKBElement] = mapped_column(
        Geography("POINT", srid=4326, spatial_index=False), nullable=False
    )
    lon: Mapped[float] = mapped_column(Double, nullable=False)
    lat: Mapped[float] = mapped_column(Double, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
