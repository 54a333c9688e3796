"""Open311: intake's projection of the cases (status per report).

case_view (RLS): what Open311 shows of a case; case_report (RLS): report -> case. Both fed by
the CASES stream (case.created, case.status_changed, case.assigned, case.commented,
case.merged).

Revision ID: a3f1c2d4e5b6
Revises: 5871c93fdc40
Create Date: 2026-11-28 20:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "a3f1c2d4e5b6"
down_revision: str | None = "5871c93fdc40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "intake"
TENANT_TABLES = ("case_view", "case_report")


def upgrade() -> None:
    op.create_table(
        "case_view",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("case_number", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("confidentiality", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status_notes", sa.Text(), nullable=True, comment="last public message of the case"
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            nullable=False,
            comment="time of the last event applied",
        ),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("case_view_pkey")),
        sa.UniqueConstraint("tenant_id", "case_id", name=op.f("case_view_tenant_id_case_id_key")),
        schema=SCHEMA,
        comment="projection of case.* events: what Open311 shows of a case",
    )
    op.create_index(
        op.f("ix_case_view_tenant_id"), "case_view", ["tenant_id"], unique=False, schema=SCHEMA
    )
    op.create_table(
        "case_report",
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name=op.f("case_report_pkey")),
        schema=SCHEMA,
        comment="report -> case, from case.created and case.merged",
    )
    op.create_index(
        "ix_case_report_case_id", "case_report", ["case_id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        op.f("ix_case_report_tenant_id"), "case_report", ["tenant_id"], unique=False, schema=SCHEMA
    )
    for table in TENANT_TABLES:
        enable_tenant_rls(table, SCHEMA)


def downgrade() -> None:
    for table in TENANT_TABLES:
        disable_tenant_rls(table, SCHEMA)
    op.drop_index(op.f("ix_case_report_tenant_id"), table_name="case_report", schema=SCHEMA)
    op.drop_index("ix_case_report_case_id", table_name="case_report", schema=SCHEMA)
    op.drop_table("case_report", schema=SCHEMA)
    op.drop_index(op.f("ix_case_view_tenant_id"), table_name="case_view", schema=SCHEMA)
    op.drop_table("case_view", schema=SCHEMA)
