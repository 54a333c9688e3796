"""Projection of routing's tenant directory (`directory.published` v1): what cases needs of it.

`DirectoryMunicipality` is public reference data (names, languages, case-number prefix), read
across tenants like routing's own `municipality`; departments and categories are tenant-owned
(RLS). A tenant's rows are replaced together when a snapshot with a higher revision arrives.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_contracts.tenancy import NIS_PATTERN
from guichet_kit.db import TenantMixin

CONFIDENTIALITY_CHECK = "confidentiality IN ('public', 'internal', 'confidential')"


class DirectoryMunicipality(Base):
    __tablename__ = "directory_municipality"
    __table_args__ = (
        CheckConstraint(f"nis ~ '{NIS_PATTERN}'", name="nis_format"),
        {"comment": "municipalities from directory.published; public data, no RLS"},
    )

    nis: Mapped[str] = mapped_column(Text, primary_key=True)
    case_prefix: Mapped[str] = mapped_column(Text, nullable=False)
    names: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


class DirectoryDepartment(TenantMixin, Base):
    __tablename__ = "directory_department"
    __table_args__ = ({"comment": "departments of a municipality, from directory.published"},)

    tenant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    kind: Mapped[str] = mapped_column(Text, nullable=False)


class DirectoryCategory(TenantMixin, Base):
    __tablename__ = "directory_category"
    __table_args__ = (
        CheckConstraint(CONFIDENTIALITY_CHECK, name="confidentiality"),
        {"comment": "categories of a municipality, from directory.published"},
    )

    tenant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    code: Mapped[str] = mapped_column(Text, primary_key=True)
    labels: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    confidentiality: Mapped[str] = mapped_column(Text, nullable=False)
