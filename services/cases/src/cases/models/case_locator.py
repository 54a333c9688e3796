"""Tracking number → municipality and report, read before the tenant is known.

Not tenant-RLS on purpose (a reporter following their report has no tenant context yet); it
holds no case content, only the hash of the tracking token. The case is found from the report
inside the tenant afterwards, so merges never leave this row stale.
"""

from __future__ import annotations

import uuid

from sqlalchemy import LargeBinary, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base


class CaseLocator(Base):
    __tablename__ = "case_locator"
    __table_args__ = ({"comment": "tracking number lookup before the tenant is known; no RLS"},)

    tracking_number: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(Text, nullable=False)
    report_id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), nullable=False, unique=True)
    token_hash: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="SHA-256 of the tracking token (none: login only)"
    )
