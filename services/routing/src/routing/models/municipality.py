"""A hosted municipality (tenant): public reference data, readable across tenants.

Not tenant-RLS on purpose: routing has to find which municipality contains a point before it
knows the tenant, and names, languages and boundaries are public information.
"""

from __future__ import annotations

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import CheckConstraint, Index, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from guichet_contracts.tenancy import NIS_PATTERN
from guichet_contracts.values import OFFICIAL_LANGUAGES
from routing.directory.schemas import CASE_PREFIX_PATTERN
from routing.models import Base
from routing.models.checks import labels_check, sql_list
from routing.models.timestamps import TimestampMixin


class Municipality(TimestampMixin, Base):
    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint(f"nis ~ '{NIS_PATTERN}'", name="nis_format"),
        CheckConstraint(f"case_prefix ~ '{CASE_PREFIX_PATTERN}'", name="case_prefix_format"),
        CheckConstraint(
            "cardinality(languages) >= 1"
            f" AND languages <@ ARRAY[{sql_list(OFFICIAL_LANGUAGES)}]::text[]",
            name="languages",
        ),
        CheckConstraint(labels_check("names"), name="names_languages"),
        CheckConstraint("ST_IsValid(boundary)", name="boundary_valid"),
        Index("ix_municipality_boundary", "boundary", postgresql_using="gist"),
        {"comment": "hosted municipalities (tenants); public data, no RLS"},
    )

    nis: Mapped[str] = mapped_column(Text, primary_key=True, comment="NIS/REFNIS code")
    names: Mapped[dict[str, str]] = mapped_column(JSONB, nullable=False)
    languages: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False)
    case_prefix: Mapped[str] = mapped_column(Text, nullable=False, unique=True)
    boundary: Mapped[WKBElement] = mapped_column(
        Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False
    )
