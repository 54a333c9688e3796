"""A report category of one municipality, with the settings routing and case handling use."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_contracts.ids import uuid7
from guichet_contracts.values import Confidentiality, Priority
from guichet_kit.db import TenantMixin
from routing.directory.schemas import CATEGORY_CODE_PATTERN
from routing.models import Base
from routing.models.checks import labels_check, one_of
from routing.models.timestamps import TimestampMixin

PRIORITIES = tuple(p.value for p in Priority)
CONFIDENTIALITIES = tuple(c.value for c in Confidentiality)


class Category(TenantMixin, TimestampMixin, Base):
    __tablename__ = "category"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "id"),
        ForeignKeyConstraint(
            ["tenant_id", "default_department_id"],
            ["routing.department.tenant_id", "routing.department.id"],
            ondelete="RESTRICT",
        ),
        CheckConstraint(f"code ~ '{CATEGORY_CODE_PATTERN}'", name="code_format"),
        CheckConstraint(labels_check("labels"), name="labels_languages"),
        CheckConstraint(f"notice IS NULL OR ({labels_check('notice')})", name="notice_languages"),
        CheckConstraint("duplicate_radius_m BETWEEN 1 AND 1000", name="duplicate_radius_m"),
        CheckConstraint("sla_business_days BETWEEN 1 AND 90", name="sla_business_days"),
        CheckConstraint(one_of("default_priority", PRIORITIES), name="default_priority"),
        CheckConstraint(one_of("confidentiality", CONFIDENTIALITIES), name="confidentiality"),
        CheckConstraint("position >= 0", name="position"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    notice: Mapped[dict[str, str] | None] = mapped_column(
        JSONB(none_as_null=True),  # SQL NULL, not JSON 'null', for "no notice"
        nullable=True,
        comment="shown to the citizen before reporting in this category",
    )
    duplicate_radius_m: Mapped[int] = mapped_column(Integer, nullable=False)
    sla_business_days: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    default_priority: Mapped[str] = mapped_column(Text, nullable=False)
    confidentiality: Mapped[str] = mapped_column(Text, nullable=False)
    default_department_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    position: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, server_default="0", comment="display order"
    )
