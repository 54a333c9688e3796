"""Projection of a municipality's report categories (from `directory.published`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import SmallInteger, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_kit.db import TenantMixin
from intake.models import Base


class Category(TenantMixin, Base):
    __tablename__ = "category"

    tenant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False, comment="display order")
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    subcategories: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, comment="[{code, labels}] as published"
    )
    questions: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, nullable=False, comment="[{code, labels, datatype, required, options}]"
    )
    confidentiality: Mapped[str] = mapped_column(Text, nullable=False)
