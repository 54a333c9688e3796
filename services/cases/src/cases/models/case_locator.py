"""Tracking number → municipality and report, read before the tenant is known.

Not tenant-RLS on purpose (a reporter following their report has no tenant context yet). It
holds no case content: the hash of the tracking token and, when the reporter was logged in,
their OIDC subject (a pseudonymous id), so a citizen can list their own cases. The case is
found from the report inside the tenant afterwards, so merges never leave this row stale.
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
    reporter_subject: Mapped[str | None] = mapped_column(
        Text, index=True, comment="OIDC subject of the reporter when logged in"
    )
