"""A sub-category: a finer label inside a category, sharing its settings."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import (
    CheckConstraint,
    ForeignKeyConstraint,
    SmallInteger,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_contracts.ids import uuid7
from guichet_kit.db import TenantMixin
from routing.directory.schemas import CATEGORY_CODE_PATTERN
from routing.models import Base
from routing.models.checks import labels_check
from routing.models.timestamps import TimestampMixin


class Subcategory(TenantMixin, TimestampMixin, Base):
    __tablename__ = "subcategory"
    __table_args__ = (
        UniqueConstraint("category_id", "code"),
        ForeignKeyConstraint(
            ["tenant_id", "category_id"],
            ["routing.category.tenant_id", "routing.category.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"code ~ '{CATEGORY_CODE_PATTERN}'", name="code_format"),
        CheckConstraint(labels_check("labels"), name="labels_languages"),
        CheckConstraint("position >= 0", name="position"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    category_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    position: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, server_default="0", comment="display order"
    )
