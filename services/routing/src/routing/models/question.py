"""An extra question asked when reporting in a category (an Open311 service attribute)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
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
from routing.models.checks import labels_check, one_of
from routing.models.timestamps import TimestampMixin

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class Question(TenantMixin, TimestampMixin, Base):
    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("category_id", "code"),
        ForeignKeyConstraint(
            ["tenant_id", "category_id"],
            ["routing.category.tenant_id", "routing.category.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"code ~ '{CATEGORY_CODE_PATTERN}'", name="code_format"),
        CheckConstraint(labels_check("labels"), name="labels_languages"),
        CheckConstraint(one_of("datatype", DATATYPES), name="datatype"),
        CheckConstraint("jsonb_typeof(options) = 'array'", name="options_array"),
        CheckConstraint("position >= 0", name="position"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    category_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    code: Mapped[str] = mapped_column(Text, nullable=False)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    datatype: Mapped[str] = mapped_column(Text, nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    options: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, server_default="[]", comment="[{key, labels}] for list types"
    )
    position: Mapped[int] = mapped_column(
        SmallInteger, nullable=False, server_default="0", comment="display order"
    )
