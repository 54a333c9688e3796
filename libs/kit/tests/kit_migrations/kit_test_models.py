"""Models of the kit's test migrations (schema ``kit_rls``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from guichet_kit.db import TenantMixin, create_metadata, geo_point

SCHEMA = "kit_rls"


class Base(DeclarativeBase):
    metadata = create_metadata(SCHEMA)


class Note(TenantMixin, Base):
    __tablename__ = "notes"
    __table_args__ = (Index("ix_notes_location", "location", postgresql_using="gist"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[Any | None] = mapped_column(geo_point(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OutboxMessage(Base):
    """An infrastructure table: no tenant column, no RLS (like the real outbox)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    payload: Mapped[str] = mapped_column(Text)
