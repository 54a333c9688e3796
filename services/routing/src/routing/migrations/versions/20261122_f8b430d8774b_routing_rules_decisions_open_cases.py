"""Routing rules, decisions, the open-case projection, category questions, directory revisions.

Revision ID: f8b430d8774b
Revises: ce10f05f1a8e
Create Date: 2026-11-22 06:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geography, Geometry
from sqlalchemy.dialects import postgresql

from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "f8b430d8774b"
down_revision: str | None = "ce10f05f1a8e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "routing"
TENANT_TABLES = ("decision", "directory_revision", "open_case", "routing_rule", "question")


def upgrade() -> None:
    op.create_table(
        "decision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("category_code", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("duplicate_of_case_id", sa.Uuid(), nullable=True),
        sa.Column("handed_over_from", sa.Text(), nullable=True),
        sa.Column("departments", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.Column("sla_business_days", sa.SmallInteger(), nullable=False),
        sa.Column("rule_id", sa.Uuid(), nullable=True),
        sa.Column("rule_name", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column(
            "trace",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="each rule tried and the condition that failed",
        ),
        sa.Column("event_id", sa.Uuid(), nullable=False, comment="routing.decided id"),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "(outcome = 'duplicate') = (duplicate_of_case_id IS NOT NULL)",
            name=op.f("decision_duplicate_of_check"),
        ),
        sa.CheckConstraint(
            "outcome IN ('new_case', 'duplicate')", name=op.f("decision_outcome_check")
        ),
        sa.CheckConstraint(
            "cardinality(departments) >= 1", name=op.f("decision_departments_present_check")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("decision_pkey")),
        sa.UniqueConstraint("report_id", name=op.f("decision_report_id_key")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_decision_tenant_id"), "decision", ["tenant_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "directory_revision",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "revision >= 1", name=op.f("directory_revision_revision_positive_check")
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("directory_revision_pkey")),
        schema=SCHEMA,
    )
    op.create_table(
        "open_case",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("category_code", sa.Text(), nullable=False),
        sa.Column(
            "location",
            Geography("POINT", srid=4326, spatial_index=False),
            nullable=False,
        ),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("open_case_pkey")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_open_case_location",
        "open_case",
        ["location"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gist",
    )
    op.create_index(
        op.f("ix_open_case_tenant_id"), "open_case", ["tenant_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        "ix_open_case_tenant_id_category_code",
        "open_case",
        ["tenant_id", "category_code"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "routing_rule",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "category_codes",
            postgresql.ARRAY(sa.Text()),
            server_default="{}",
            nullable=False,
            comment="empty: any category",
        ),
        sa.Column(
            "area",
            Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
            nullable=True,
        ),
        sa.Column(
            "weekdays",
            postgresql.ARRAY(sa.SmallInteger()),
            server_default="{}",
            nullable=False,
            comment="ISO weekdays (1 = Monday); empty: every day",
        ),
        sa.Column(
            "start_time",
            sa.Time(),
            nullable=True,
            comment="local Europe/Brussels time; after end_time: across midnight",
        ),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column(
            "keywords",
            postgresql.ARRAY(sa.Text()),
            server_default="{}",
            nullable=False,
            comment="any of them, accent-insensitive",
        ),
        sa.Column(
            "department_codes",
            postgresql.ARRAY(sa.Text()),
            nullable=False,
            comment="lead department first",
        ),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("sla_business_days", sa.SmallInteger(), nullable=False),
        sa.Column(
            "confidentiality", sa.Text(), nullable=True, comment="overrides the category's when set"
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
            "confidentiality IS NULL OR confidentiality IN ('public', 'internal', 'confidential')",
            name=op.f("routing_rule_confidentiality_check"),
        ),
        sa.CheckConstraint(
            "priority IN ('low', 'normal', 'high', 'urgent')",
            name=op.f("routing_rule_priority_check"),
        ),
        sa.CheckConstraint(
            "(start_time IS NULL) = (end_time IS NULL)",
            name=op.f("routing_rule_time_window_pair_check"),
        ),
        sa.CheckConstraint(
            "area IS NULL OR ST_IsValid(area)", name=op.f("routing_rule_area_valid_check")
        ),
        sa.CheckConstraint(
            "cardinality(department_codes) >= 1",
            name=op.f("routing_rule_departments_present_check"),
        ),
        sa.CheckConstraint(
            "length(name) BETWEEN 1 AND 200", name=op.f("routing_rule_name_length_check")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("routing_rule_position_check")),
        sa.CheckConstraint(
            "sla_business_days BETWEEN 1 AND 365", name=op.f("routing_rule_sla_business_days_check")
        ),
        sa.CheckConstraint(
            "weekdays <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[]",
            name=op.f("routing_rule_weekdays_check"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("routing_rule_pkey")),
        sa.UniqueConstraint(
            "tenant_id", "position", name=op.f("routing_rule_tenant_id_position_key")
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_routing_rule_area",
        "routing_rule",
        ["area"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gist",
    )
    op.create_index(
        op.f("ix_routing_rule_tenant_id"),
        "routing_rule",
        ["tenant_id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("datatype", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "options",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
            comment="[{key, labels}] for list types",
        ),
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
            "code ~ '^[a-z][a-z0-9_]{1,39}$'", name=op.f("question_code_format_check")
        ),
        sa.CheckConstraint(
            "datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')",
            name=op.f("question_datatype_check"),
        ),
        sa.CheckConstraint(
            "jsonb_typeof(labels) = 'object' AND labels ?& ARRAY['fr', 'nl', 'de', 'en']",
            name=op.f("question_labels_languages_check"),
        ),
        sa.CheckConstraint(
            "jsonb_typeof(options) = 'array'", name=op.f("question_options_array_check")
        ),
        sa.CheckConstraint("position >= 0", name=op.f("question_position_check")),
        sa.ForeignKeyConstraint(
            ["tenant_id", "category_id"],
            ["routing.category.tenant_id", "routing.category.id"],
            name=op.f("question_tenant_id_category_id_fkey"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("question_pkey")),
        sa.UniqueConstraint("category_id", "code", name=op.f("question_category_id_code_key")),
        schema=SCHEMA,
    )
    op.create_index(
        op.f("ix_question_tenant_id"), "question", ["tenant_id"], unique=False, schema=SCHEMA
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table, SCHEMA)


def downgrade() -> None:
    for table in reversed(TENANT_TABLES):
        disable_tenant_rls(table, SCHEMA)
        op.drop_table(table, schema=SCHEMA)
