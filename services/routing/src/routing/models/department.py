"""A municipal department (or the partner police zone) that reports are routed to."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import CheckConstraint, Index, Text, UniqueConstraint, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_contracts.ids import uuid7
from guichet_kit.db import TenantMixin
from routing.directory.schemas import DEPARTMENT_CODE_PATTERN
from routing.models import Base
from routing.models.checks import labels_check, one_of
from routing.models.timestamps import TimestampMixin

DEPARTMENT_KINDS = ("municipal", "police_partner")


class Department(TenantMixin, TimestampMixin, Base):
    __tablename__ = "department"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        # Target of the composite foreign keys that keep references inside one tenant.
        UniqueConstraint("tenant_id", "id"),
        CheckConstraint(f"code ~ '{DEPARTMENT_CODE_PATTERN}'", name="code_format"),
        CheckConstraint(one_of("kind", DEPARTMENT_KINDS), name="kind"),
        CheckConstraint(labels_check("labels"), name="labels_languages"),
        # A municipality belongs to exactly one police zone.
        Index(
            "ix_department_police_partner",
            "tenant_id",
            unique=True,
            postgresql_where=text("kind = 'police_partner'"),
        ),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)
