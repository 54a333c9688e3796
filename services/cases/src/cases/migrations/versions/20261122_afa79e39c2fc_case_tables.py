"""Cases, their numbering counters, supporters, notes, append-only history, and the
projection of the tenant directory.

RLS on every tenant-owned table; `directory_municipality` is public reference data.
`case_history` is append-only: a trigger refuses UPDATE and DELETE for every role.

Revision ID: afa79e39c2fc
Revises: 62fb46b89b0c
Create Date: 2026-11-22 06:37:53.955986
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "afa79e39c2fc"
down_revision: str | None = "62fb46b89b0c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "cases"
TENANT_TABLES = (
    "case",
    "case_counter",
    "case_history",
    "case_note",
    "case_supporter",
    "directory_category",
    "directory_department",
)

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION cases.refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cases.case_history is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER case_history_append_only
    BEFORE UPDATE OR DELETE ON cases.case_history
    FOR EACH STATEMENT EXECUTE FUNCTION cases.refuse_history_change()
"""


def upgrade() -> None:
    op.create_table(
        "case",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Text(), nullable=False, comment="e.g. SPL-2026-000042"),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("priority", sa.Text(), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.Column("lead_department", sa.Text(), nullable=False),
        sa.Column("departments", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("assignee_subject", sa.Text(), nullable=True),
        sa.Column("assignee_name", sa.Text(), nullable=True),
        sa.Column("category_code", sa.Text(), nullable=False),
        sa.Column("subcategory_code", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("photos", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("reporter_language", sa.Text(), nullable=False),
        sa.Column("reporter_contactable", sa.Boolean(), nullable=False),
        sa.Column(
            "routing_rule",
            postgresql.JSONB(astext_type=sa.Text()),
            nullable=False,
            comment="the rule that routed the report (why)",
        ),
        sa.Column(
            "supporters",
            sa.Integer(),
            nullable=False,
            comment="reports behind the case, the first one included",
        ),
        sa.Column("duplicate_of_case_id", sa.Uuid(), nullable=True),
        sa.Column("planned_for", sa.Date(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "confidentiality IN ('public', 'internal', 'confidential')",
            name=op.f("case_confidentiality_check"),
        ),
        sa.CheckConstraint(
            "priority IN ('low', 'normal', 'high', 'urgent')", name=op.f("case_priority_check")
        ),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'in_progress', 'planned', 'on_hold', 'resolved', 'closed', 'rejected', 'duplicate')",
            name=op.f("case_status_check"),
        ),
        sa.CheckConstraint("supporters >= 1", name=op.f("case_supporters_check")),
        sa.PrimaryKeyConstraint("id", name=op.f("case_pkey")),
        sa.UniqueConstraint("report_id", name=op.f("case_report_id_key")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("case_tenant_id_number_key")),
        schema="cases",
        comment="cases, one per routed report; RLS per tenant",
    )
    op.create_index(
        "ix_case_location",
        "case",
        ["location"],
        unique=False,
        schema="cases",
        postgresql_using="gist",
    )
    op.create_index(op.f("ix_case_tenant_id"), "case", ["tenant_id"], unique=False, schema="cases")
    op.create_index(
        "ix_case_tenant_id_created_at",
        "case",
        ["tenant_id", "created_at"],
        unique=False,
        schema="cases",
    )
    op.create_index(
        "ix_case_tenant_id_status", "case", ["tenant_id", "status"], unique=False, schema="cases"
    )
    op.create_table(
        "case_counter",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "year", name=op.f("case_counter_pkey")),
        schema="cases",
        comment="last case number given per municipality and year",
    )
    op.create_table(
        "directory_category",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "confidentiality IN ('public', 'internal', 'confidential')",
            name=op.f("directory_category_confidentiality_check"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "code", name=op.f("directory_category_pkey")),
        schema="cases",
        comment="categories of a municipality, from directory.published",
    )
    op.create_table(
        "directory_department",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("labels", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "code", name=op.f("directory_department_pkey")),
        schema="cases",
        comment="departments of a municipality, from directory.published",
    )
    op.create_table(
        "directory_municipality",
        sa.Column("nis", sa.Text(), nullable=False),
        sa.Column("case_prefix", sa.Text(), nullable=False),
        sa.Column("names", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "nis ~ '^[0-9]{5}$'", name=op.f("directory_municipality_nis_format_check")
        ),
        sa.PrimaryKeyConstraint("nis", name=op.f("directory_municipality_pkey")),
        schema="cases",
        comment="municipalities from directory.published; public data, no RLS",
    )
    op.create_table(
        "case_history",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.Text(), nullable=False),
        sa.Column("actor_subject", sa.Text(), nullable=True),
        sa.Column("actor_name", sa.Text(), nullable=True),
        sa.Column("from_status", sa.Text(), nullable=True),
        sa.Column("to_status", sa.Text(), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case.id"], name=op.f("case_history_case_id_fkey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("case_history_pkey")),
        schema="cases",
        comment="who did what when on a case; append-only (trigger)",
    )
    op.create_index(
        "ix_case_history_case_id_at",
        "case_history",
        ["case_id", "at"],
        unique=False,
        schema="cases",
    )
    op.create_index(
        op.f("ix_case_history_tenant_id"),
        "case_history",
        ["tenant_id"],
        unique=False,
        schema="cases",
    )
    op.create_table(
        "case_note",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_subject", sa.Text(), nullable=False),
        sa.Column("author_name", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('internal', 'public')", name=op.f("case_note_visibility_check")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case.id"], name=op.f("case_note_case_id_fkey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("case_note_pkey")),
        schema="cases",
        comment="staff notes and public updates on a case",
    )
    op.create_index(
        op.f("ix_case_note_case_id"), "case_note", ["case_id"], unique=False, schema="cases"
    )
    op.create_index(
        op.f("ix_case_note_tenant_id"), "case_note", ["tenant_id"], unique=False, schema="cases"
    )
    op.create_table(
        "case_supporter",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("reporter_language", sa.Text(), nullable=False),
        sa.Column("reporter_contactable", sa.Boolean(), nullable=False),
        sa.Column(
            "merged_from_case_id",
            sa.Uuid(),
            nullable=True,
            comment="set when a whole case was merged into this one",
        ),
        sa.Column("supported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case.id"], name=op.f("case_supporter_case_id_fkey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("case_supporter_pkey")),
        sa.UniqueConstraint("report_id", name=op.f("case_supporter_report_id_key")),
        schema="cases",
        comment="reports linked to a case beyond its first one",
    )
    op.create_index(
        op.f("ix_case_supporter_case_id"),
        "case_supporter",
        ["case_id"],
        unique=False,
        schema="cases",
    )
    op.create_index(
        op.f("ix_case_supporter_tenant_id"),
        "case_supporter",
        ["tenant_id"],
        unique=False,
        schema="cases",
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table, SCHEMA)
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(APPEND_ONLY_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS case_history_append_only ON cases.case_history")
    op.execute("DROP FUNCTION IF EXISTS cases.refuse_history_change()")
    for table in TENANT_TABLES:
        disable_tenant_rls(table, SCHEMA)
    op.drop_index(op.f("ix_case_supporter_tenant_id"), table_name="case_supporter", schema="cases")
    op.drop_index(op.f("ix_case_supporter_case_id"), table_name="case_supporter", schema="cases")
    op.drop_table("case_supporter", schema="cases")
    op.drop_index(op.f("ix_case_note_tenant_id"), table_name="case_note", schema="cases")
    op.drop_index(op.f("ix_case_note_case_id"), table_name="case_note", schema="cases")
    op.drop_table("case_note", schema="cases")
    op.drop_index(op.f("ix_case_history_tenant_id"), table_name="case_history", schema="cases")
    op.drop_index("ix_case_history_case_id_at", table_name="case_history", schema="cases")
    op.drop_table("case_history", schema="cases")
    op.drop_table("directory_municipality", schema="cases")
    op.drop_table("directory_department", schema="cases")
    op.drop_table("directory_category", schema="cases")
    op.drop_table("case_counter", schema="cases")
    op.drop_index("ix_case_tenant_id_status", table_name="case", schema="cases")
    op.drop_index("ix_case_tenant_id_created_at", table_name="case", schema="cases")
    op.drop_index(op.f("ix_case_tenant_id"), table_name="case", schema="cases")
    op.drop_index("ix_case_location", table_name="case", schema="cases", postgresql_using="gist")
    op.drop_table("case", schema="cases")
