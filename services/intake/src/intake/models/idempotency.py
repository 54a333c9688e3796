"""Client idempotency keys: the first response to a key, replayed to retries.

Not tenant-RLS on purpose: a retry is recognised before the report's municipality is resolved.
Scoped by the caller (`account:<issuer>|<subject>` or `anonymous`); the stored response has
no tracking token (it is derived again on replay, see `reports.tracking`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, LargeBinary, SmallInteger, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from intake.models import Base


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_record"
    __table_args__ = ({"comment": "first response per (caller scope, client key); no RLS"},)

    scope: Mapped[str] = mapped_column(Text, primary_key=True)
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    request_hash: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    tenant_id: Mapped[str] = mapped_column(Text, nullable=False)
    report_id: Mapped[UUID] = mapped_column(Uuid, nullable=False)
    status_code: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    response: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now(), index=True
    )
