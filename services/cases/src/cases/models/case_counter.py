"""Case-number counters: one row per (municipality, year), incremented under its row lock.

A rolled-back transaction rolls its increment back too, so numbers have no gaps; every
replica goes through the same row, so no number is given twice.
"""

from __future__ import annotations

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from guichet_kit.db import TenantMixin


class CaseCounter(TenantMixin, Base):
    __tablename__ = "case_counter"
    __table_args__ = ({"comment": "last case number given per municipality and year"},)

    tenant_id: Mapped[str] = mapped_column(Text, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False)
