"""A case: one routed report, its workflow state, assignment and deadline."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from geoalchemy2 import WKBElement
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base
from cases.models.directory import CONFIDENTIALITY_CHECK
from guichet_kit.db import TenantMixin, geo_point

STATUS_CHECK = (
    "status IN ('new', 'acknowledged', 'in_progress', 'planned', 'on_hold', 'resolved',"
    " 'closed', 'rejected', 'duplicate')"
)
PRIORITY_CHECK = "priority IN ('low', 'normal', 'high', 'urgent')"
# Full-text document of a case (`cases.listing.search`): numbers with their dashes as spaces.
SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, cases.search_fold("
    "translate(number || ' ' || tracking_number, '-', ' ') || ' ' || description || ' ' || "
    "coalesce(address, '')))"
)


class Case(TenantMixin, Base):
    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        UniqueConstraint("report_id"),
        CheckConstraint(STATUS_CHECK, name="status"),
        CheckConstraint(PRIORITY_CHECK, name="priority"),
        CheckConstraint(CONFIDENTIALITY_CHECK, name="confidentiality"),
        CheckConstraint("supporters >= 1", name="supporters"),
        Index("ix_case_location", "location", postgresql_using="gist"),
        Index("ix_case_tenant_id_status", "tenant_id", "status"),
        Index("ix_case_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_case_tenant_id_created_at", "tenant_id", "created_at"),
        {"comment": "cases, one per routed report; RLS per tenant"},
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), primary_key=True)
    number: Mapped[str] = mapped_column(Text, nullable=False, comment="e.g. SPL-2026-000042")
    report_id: Mapped[uuid.UUID] = mapped_column(Uuid(as_uuid=True), nullable=False)
    tracking_number: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(Text, nullable=False)
    priority: Mapped[str] = mapped_column(Text, nullable=False)
    confidentiality: Mapped[str] = mapped_column(Text, nullable=False)
    lead_department: Mapped[str] = mapped_column(Text, nullable=False)
    departments: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    team: Mapped[str | None] = mapped_column(Text)
    assignee_subject: Mapped[str | None] = mapped_column(Text)
    assignee_name: Mapped[str | None] = mapped_column(Text)
    category_code: Mapped[str] = mapped_column(Text, nullable=False)
    subcategory_code: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[WKBElement] = mapped_column(geo_point(), nullable=False)
    address: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, nullable=False)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)
    channel: Mapped[str] = mapped_column(Text, nullable=False)
    reporter_language: Mapped[str] = mapped_column(Text, nullable=False)
    reporter_contactable: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reporter_subject: Mapped[str | None] = mapped_column(
        Text, comment="OIDC subject of the reporter when they were logged in"
    )
    tracking_token_hash: Mapped[bytes | None] = mapped_column(
        LargeBinary, comment="SHA-256 of the reporter's secret tracking token"
    )
    routing_rule: Mapped[dict[str, Any]] = mapped_column(
        JSONB, nullable=False, comment="the rule that routed the report (why)"
    )
    supporters: Mapped[int] = mapped_column(
        Integer, nullable=False, comment="reports behind the case, the first one included"
    )
    duplicate_of_case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid(as_uuid=True))
    planned_for: Mapped[date | None] = mapped_column(Date)
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    search_vector: Mapped[str | None] = mapped_column(
        TSVECTOR, Computed(SEARCH_DOCUMENT, persisted=True), deferred=True
    )
