"""A routing rule of one municipality: conditions (all optional, all must hold) and an action.

Rules are evaluated by `position`, the first match wins; no match falls back to the category's
defaults. Department and category codes are checked against the directory on save.
"""

from __future__ import annotations

from datetime import time
from uuid import UUID

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import (
    CheckConstraint,
    Index,
    SmallInteger,
    Text,
    Time,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from guichet_contracts.ids import uuid7
from guichet_contracts.values import Confidentiality, Priority
from guichet_kit.db import TenantMixin
from routing.models import Base
from routing.models.checks import one_of
from routing.models.timestamps import TimestampMixin

PRIORITIES = tuple(p.value for p in Priority)
CONFIDENTIALITIES = tuple(c.value for c in Confidentiality)


class RoutingRule(TenantMixin, TimestampMixin, Base):
    __tablename__ = "routing_rule"
    __table_args__ = (
        UniqueConstraint("tenant_id", "position"),
        CheckConstraint("position >= 0", name="position"),
        CheckConstraint("length(name) BETWEEN 1 AND 200", name="name_length"),
        CheckConstraint("cardinality(department_codes) >= 1", name="departments_present"),
        CheckConstraint(one_of("priority", PRIORITIES), name="priority"),
        CheckConstraint(
            f"confidentiality IS NULL OR {one_of('confidentiality', CONFIDENTIALITIES)}",
            name="confidentiality",
        ),
        CheckConstraint("sla_business_days BETWEEN 1 AND 365", name="sla_business_days"),
        CheckConstraint("(start_time IS NULL) = (end_time IS NULL)", name="time_window_pair"),
        CheckConstraint("weekdays <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]", name="weekdays"),
        CheckConstraint("area IS NULL OR ST_IsValid(area)", name="area_valid"),
        Index("ix_routing_rule_area", "area", postgresql_using="gist"),
    )

    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    position: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    category_codes: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default="{}", comment="empty: any category"
    )
    area: Mapped[WKBElement | None] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=True
    )
    weekdays: Mapped[list[int]] = mapped_column(
        ARRAY(SmallInteger),
        nullable=False,
        server_default="{}",
        comment="ISO weekdays (1 = Monday); empty: every day",
    )
    start_time: Mapped[time | None] = mapped_column(
        Time, nullable=True, comment="local Europe/Brussels time; after end_time: across midnight"
    )
    end_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    keywords: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, server_default="{}", comment="any of them, accent-insensitive"
    )
    department_codes: Mapped[list[str]] = mapped_column(
        ARRAY(Text), nullable=False, comment="lead department first"
    )
    priority: Mapped[str] = mapped_column(Text, nullable=False)
    sla_business_days: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    confidentiality: Mapped[str | None] = mapped_column(
        Text, nullable=True, comment="overrides the category's when set"
    )
