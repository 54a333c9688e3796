"""Tracking number → municipality and report, read before the tenant is known.

Not tenant-RLS on purpose (a reporter following a report has no tenant context); it holds no
report content, only the hash of the tracking token.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import LargeBinary, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from intake.models import Base


class ReportLocator(Base):
    __tablename__ = "report_locator"
    __table_args__ = ({"comment": "tracking number lookup before the tenant is known; no RLS"},)

    tracking_number: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(Text, nullable=False)
    report_id: Mapped[UUID] = mapped_column(Uuid, nullable=False, unique=True)
    token_hash: Mapped[bytes] = mapped_column(
        LargeBinary, nullable=False, comment="SHA-256 of the tracking token"
    )
