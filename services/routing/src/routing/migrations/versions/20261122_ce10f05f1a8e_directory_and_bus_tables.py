"""Directory and bus tables.

The tenant directory: municipality (public reference data, no RLS), and the tenant-owned
department, category and subcategory (RLS); the outbox and inbox of the event bus.

Revision ID: ce10f05f1a8e
Revises:
Create Date: 2026-11-22 05:55:11.056855
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from guichet_kit.bus.migrations import (
    create_inbox_v1,
    create_outbox_v1,
    drop_inbox_v1,
    drop_outbox_v1,
)
from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "ce10f05f1a8e"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "routing"


def upgrade() -> None:
    op.create_table(
        "municipality",
        sa.Column("nis", sa.Text(), nullable=False, comment="NIS/REFNIS code"),
        sa.Column("names", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("case_prefix", sa.Text(), nullable=False),
        sa.Column(
            "boundary", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "cardinality(languages) >= 1 AND languages <@ ARRAY['fr', 'nl', 'de']::text[]",
            name=op.f("municipality_languages_check"),
        ),
        sa.CheckConstraint(
            "case_prefix ~ '^[A-Z]{3}$'", name=op.f("municipality_case_prefix_format_check")
        ),
        sa.CheckConstraint(
            "jsonb_typeof(names) = 'object' AND names ?& ARRAY['fr', 'nl', 'de', 'en']",
            name=op.f("municipality_names_languages_check"),
        ),
        sa.CheckConstraint("nis ~ '^[0-9]{5}$'", name=op.f("municipality_nis_format_check")),
        sa.CheckConstraint("ST_IsValid(boundary)", name=op.f("municipality_boundary_valid_check")),
        sa.PrimaryKeyConstraint("nis", name=op.f("municipality_pkey")),
        sa.UniqueConstraint("case_prefix", name=op.f("municipality_case_prefix_key")),
        schema=SCHEMA,
        comment="hosted municipalities (tenants); public data, no RLS",
    )
    op.create_index(
        "ix_municipality_boundary",
        "municipality",
        ["boundary"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gist",
    )

    op.create_table(
        "department",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "code ~ '^[A-Z][A-Z0-9_]{1,15}$'", name=op.f("department_code_format_check")
        ),
        sa.CheckConstraint(
            "jsonb_typeof(labels) = 'object' AND labels ?& ARRAY['fr', 'nl', 'de', 'en']",
            name=op.f("department_labels_languages_check"),
        ),
        sa.CheckConstraint(
            "kind IN ('municipal', 'police_partner')", name=op.f("department_kind_check")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("department_pkey")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("department_tenant_id_code_key")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("department_tenant_id_id_key")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_department_police_partner",
        "department",
        ["tenant_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("kind = 'police_partner'"),
    )
    op.create_index(
        op.f("ix_department_tenant_id"), "department", ["tenant_id"], unique=False, schema=SCHEMA
    )

    op.create_table(
        "category",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "notice",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=True,
            comment="shown to the citizen before reporting in this category",
        ),
        sa.Column("duplicate_radius_m", sa.Integer(), nullable=False),
        sa.Column("sla_business_days", sa.SmallInteger(), nullable=False),
        sa.Column("default_priority", sa.Text(), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.Column("default_department_id", sa.Uuid(), nullable=False),
        sa.Column(
            "position",
            sa.SmallInteger(),
            server_default="0",
            nullable=False,
            comment="display order",
        ),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "code ~ '^[a-z][a-z0-9_]{1,39}$'", name=op.f("category_code_format_check")
        ),
        sa.CheckConstraint(
            "confidentiality IN ('public', 'internal', 'confidential')",
            name=op.f("category_confidentiality_check"),
        ),
        sa.CheckConstraint(
            "default_priority IN ('low', 'normal', 'high', 'urgent')",
            name=op.f("category_default_priority_check"),
        ),
        sa.CheckConstraint(
            "jsonb_typeof(labels) = 'object' AND labels ?& ARRAY['fr', 'nl', 'de', 'en']",
            name=op.f("category_labels_languages_check"),
        ),
        sa.CheckConstraint(
            "notice IS NULL OR (jsonb_typeof(notice) = 'object' AND notice ?& ARRAY['fr', 'nl', 'de', 'en'])",
            name=op.f("category_notice_languages_check"),
        ),
        sa.CheckConstraint(
            "duplicate_radius_m BETWEEN 1 AND 1000", name=op.f("category_duplicate_radius_m_check")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("category_position_check")),
        sa.CheckConstraint(
            "sla_business_days BETWEEN 1 AND 90", name=op.f("category_sla_business_days_check")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "default_department_id"],
            ["routing.department.tenant_id", "routing.department.id"],
            name=op.f("category_tenant_id_default_department_id_fkey"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("category_pkey")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("category_tenant_id_code_key")),
        sa.UniqueConstraint("tenant_id", "id", name=op.f("category_tenant_id_id_key")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_category_tenant_id"), "category", ["tenant_id"], unique=False, schema=SCHEMA
    )

    op.create_table(
        "subcategory",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "position",
            sa.SmallInteger(),
            server_default="0",
            nullable=False,
            comment="display order",
        ),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "code ~ '^[a-z][a-z0-9_]{1,39}$'", name=op.f("subcategory_code_format_check")
        ),
        sa.CheckConstraint(
            "jsonb_typeof(labels) = 'object' AND labels ?& ARRAY['fr', 'nl', 'de', 'en']",
            name=op.f("subcategory_labels_languages_check"),
        ),
        sa.CheckConstraint("position >= 0", name=op.f("subcategory_position_check")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "category_id"],
            ["routing.category.tenant_id", "routing.category.id"],
            name=op.f("subcategory_tenant_id_category_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("subcategory_pkey")),
        sa.UniqueConstraint("category_id", "code", name=op.f("subcategory_category_id_code_key")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_subcategory_tenant_id"), "subcategory", ["tenant_id"], unique=False, schema=SCHEMA
    )

    create_outbox_v1(SCHEMA)
    create_inbox_v1(SCHEMA)

    enable_tenant_rls("department", SCHEMA)
    enable_tenant_rls("category", SCHEMA)
    enable_tenant_rls("subcategory", SCHEMA)


def downgrade() -> None:
    disable_tenant_rls("subcategory", SCHEMA)
    disable_tenant_rls("category", SCHEMA)
    disable_tenant_rls("department", SCHEMA)
    drop_inbox_v1(SCHEMA)
    drop_outbox_v1(SCHEMA)
    op.drop_table("subcategory", schema=SCHEMA)
    op.drop_table("category", schema=SCHEMA)
    op.drop_table("department", schema=SCHEMA)
    op.drop_table("municipality", schema=SCHEMA)
