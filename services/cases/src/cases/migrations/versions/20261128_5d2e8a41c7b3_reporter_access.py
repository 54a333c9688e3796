"""Reporter access: who reported (subject, token hash) on cases and supporters, the tracking
number locator (no RLS), reporter-written notes, attachments, per-municipality settings.

Revision ID: 5d2e8a41c7b3
Revises: 3b1f0c7d9e21
Create Date: 2026-11-28 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guichet_kit.db.rls import disable_tenant_rls, enable_tenant_rls

revision: str = "5d2e8a41c7b3"
down_revision: str | None = "3b1f0c7d9e21"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "cases"
SUBJECT_COMMENT = "OIDC subject of the reporter when they were logged in"
TOKEN_COMMENT = "SHA-256 of the reporter's secret tracking token"


def _reporter_columns(table: str) -> None:
    op.add_column(
        table,
        sa.Column("reporter_subject", sa.Text(), nullable=True, comment=SUBJECT_COMMENT),
        schema=SCHEMA,
    )
    op.add_column(
        table,
        sa.Column("tracking_token_hash", sa.LargeBinary(), nullable=True, comment=TOKEN_COMMENT),
        schema=SCHEMA,
    )


def upgrade() -> None:
    _reporter_columns("case")
    _reporter_columns("case_supporter")
    op.add_column(
        "case_note",
        sa.Column("author_kind", sa.Text(), server_default="staff", nullable=False),
        schema=SCHEMA,
    )
    op.alter_column("case_note", "author_subject", nullable=True, schema=SCHEMA)
    op.create_check_constraint(
        op.f("case_note_author_kind_check"),
        "case_note",
        "author_kind IN ('staff', 'reporter')",
        schema=SCHEMA,
    )
    op.create_check_constraint(
        op.f("case_note_reporter_public_check"),
        "case_note",
        "author_kind = 'staff' OR visibility = 'public'",
        schema=SCHEMA,
    )
    op.create_table(
        "case_locator",
        sa.Column("tracking_number", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column(
            "token_hash",
            sa.LargeBinary(),
            nullable=True,
            comment="SHA-256 of the tracking token (none: login only)",
        ),
        sa.PrimaryKeyConstraint("tracking_number", name=op.f("case_locator_pkey")),
        sa.UniqueConstraint("report_id", name=op.f("case_locator_report_id_key")),
        schema=SCHEMA,
        comment="tracking number lookup before the tenant is known; no RLS",
    )
    op.create_table(
        "case_settings",
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.Column(
            "show_staff_names",
            sa.Boolean(),
            nullable=False,
            comment="reporters see staff names (else the department's name only)",
        ),
        sa.Column("updated_by", sa.Text(), nullable=False, comment="OIDC subject"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("case_settings_pkey")),
        schema=SCHEMA,
        comment="per-municipality settings of case handling",
    )
    enable_tenant_rls("case_settings", SCHEMA)
    op.create_table(
        "case_attachment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("note_id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.Text(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False, comment="S3 path under the tenant"),
        sa.Column("thumbnail_path", sa.Text(), nullable=True),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.Text(), nullable=True, comment="name given by the uploader"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "visibility IN ('internal', 'public')", name=op.f("case_attachment_visibility_check")
        ),
        sa.CheckConstraint("size_bytes > 0", name=op.f("case_attachment_size_bytes_check")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.case.id"], name=op.f("case_attachment_case_id_fkey")
        ),
        sa.ForeignKeyConstraint(
            ["note_id"], ["cases.case_note.id"], name=op.f("case_attachment_note_id_fkey")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("case_attachment_pkey")),
        schema=SCHEMA,
        comment="files attached to case notes, stored in S3 under the tenant's prefix",
    )
    for column in ("case_id", "note_id", "tenant_id"):
        op.create_index(
            op.f(f"ix_case_attachment_{column}"),
            "case_attachment",
            [column],
            unique=False,
            schema=SCHEMA,
        )
    enable_tenant_rls("case_attachment", SCHEMA)


def downgrade() -> None:
    disable_tenant_rls("case_attachment", SCHEMA)
    for column in ("tenant_id", "note_id", "case_id"):
        op.drop_index(
            op.f(f"ix_case_attachment_{column}"), table_name="case_attachment", schema=SCHEMA
        )
    op.drop_table("case_attachment", schema=SCHEMA)
    disable_tenant_rls("case_settings", SCHEMA)
    op.drop_table("case_settings", schema=SCHEMA)
    op.drop_table("case_locator", schema=SCHEMA)
    op.drop_constraint(
        op.f("case_note_reporter_public_check"), "case_note", schema=SCHEMA, type_="check"
    )
    op.drop_constraint(
        op.f("case_note_author_kind_check"), "case_note", schema=SCHEMA, type_="check"
    )
    op.execute("UPDATE cases.case_note SET author_subject = '' WHERE author_subject IS NULL")
    op.alter_column("case_note", "author_subject", nullable=False, schema=SCHEMA)
    op.drop_column("case_note", "author_kind", schema=SCHEMA)
    for table in ("case_supporter", "case"):
        op.drop_column(table, "tracking_token_hash", schema=SCHEMA)
        op.drop_column(table, "reporter_subject", schema=SCHEMA)
